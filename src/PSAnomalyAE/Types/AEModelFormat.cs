namespace PSAnomalyAE;

/// <summary>The file formats Export-AEModel writes.</summary>
public enum AEModelFormat
{
    /// <summary>The module's own model file: everything in one checksummed file (the default).</summary>
    PSAnomalyAE,
    /// <summary>A safetensors weights file of one plain torch.nn.Sequential and a JSON config beside it.</summary>
    PyTorch,
}
