namespace PSAnomalyAE.Engine.Configuration;

/// <summary>Where a network trains. Scoring and model files always use the CPU.</summary>
public enum ComputeDevice
{
    /// <summary>The CPU (the libtorch the module ships).</summary>
    Cpu,

    /// <summary>An NVIDIA GPU; needs a CUDA build of libtorch (TorchSharp-cuda-linux or TorchSharp-cuda-windows).</summary>
    Cuda,
}
