namespace PSAnomalyAE.Engine.Networks;

/// <summary>
/// Builds the network of each <see cref="AutoencoderKind"/>. A new kind is a value in that enum, a class deriving
/// from <see cref="AutoencoderNet"/>, and one line here.
/// </summary>
internal static class NetworkFactory
{
    public static AutoencoderNet Create(ModelSpec spec, NetworkShape shape, long seed) => spec.Kind switch
    {
        AutoencoderKind.Dense or AutoencoderKind.Sparse or AutoencoderKind.Variational or AutoencoderKind.Denoising
            => new DenseAutoencoder(spec, shape, seed),
        AutoencoderKind.Convolutional => new ConvolutionalAutoencoder(spec, shape),
        AutoencoderKind.Recurrent => new RecurrentAutoencoder(spec, shape),
        _ => throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"There is no network of kind '{spec.Kind}'."),
    };
}
