using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Networks;

/// <summary>
/// Builds the network of each <see cref="AutoencoderKind"/>. A new kind is a value in that enum, a class deriving
/// from <see cref="AutoencoderNet"/>, and one line in <see cref="Build"/>.
/// </summary>
internal static class NetworkFactory
{
    /// <summary>
    /// A new network. It is built inside a dispose scope: layer constructors make temporary tensors (TorchSharp's
    /// fan-in computation for convolutions indexes the weight), which the scope disposes instead of a finalizer. The
    /// network's own parameters and buffers are detached from the scope and live as long as the network.
    /// </summary>
    public static AutoencoderNet Create(ModelSpec spec, NetworkShape shape, long seed)
    {
        using var scope = NewDisposeScope();
        AutoencoderNet net = Build(spec, shape, seed);
        foreach (Tensor p in net.parameters())
        {
            p.DetachFromDisposeScope();
        }

        foreach (Tensor b in net.buffers())
        {
            b.DetachFromDisposeScope();
        }

        return net;
    }

    private static AutoencoderNet Build(ModelSpec spec, NetworkShape shape, long seed) => spec.Kind switch
    {
        AutoencoderKind.Dense or AutoencoderKind.Sparse or AutoencoderKind.Variational or AutoencoderKind.Denoising
            => new DenseAutoencoder(spec, shape, seed),
        AutoencoderKind.Convolutional => new ConvolutionalAutoencoder(spec, shape),
        AutoencoderKind.Recurrent => new RecurrentAutoencoder(spec, shape),
        _ => throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"There is no network of kind '{spec.Kind}'."),
    };
}
