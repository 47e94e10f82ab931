using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PSAnomalyAE.Engine.Networks;

/// <summary>What every network offers the training loop and the scorer.</summary>
internal abstract class AutoencoderNet : Module<Tensor, Tensor>
{
    protected AutoencoderNet(string name)
        : base(name)
    {
    }

    /// <summary>The training loss of a batch of samples (rows or flattened windows).</summary>
    public abstract LossParts Loss(Tensor x);

    /// <summary>The bottleneck activations of a batch.</summary>
    public abstract Tensor Encode(Tensor x);

    /// <summary>True when the training loss adds a penalty (sparsity, KL) to the reconstruction error.</summary>
    public virtual bool HasPenalty => false;

    protected static Module<Tensor, Tensor> MakeActivation(ActivationKind kind) => kind switch
    {
        ActivationKind.ReLU => ReLU(),
        ActivationKind.LeakyReLU => new HeldLeakyReLU(0.01),
        ActivationKind.Tanh => Tanh(),
        ActivationKind.Sigmoid => Sigmoid(),
        ActivationKind.ELU => new HeldELU(1.0),
        ActivationKind.GELU => GELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
