namespace PSAnomalyAE;

/// <summary>The kind of autoencoder.</summary>
public enum AEArchitecture
{
    /// <summary>Dense layers down to a linear bottleneck and back.</summary>
    Dense,
    /// <summary>Dense with a ReLU bottleneck under an L1 penalty (-SparsityWeight).</summary>
    Sparse,
    /// <summary>A variational autoencoder: reconstruction + -KLWeight x KL divergence.</summary>
    Variational,
    /// <summary>Dense, trained to undo Gaussian noise (-NoiseLevel) added to its inputs.</summary>
    Denoising,
    /// <summary>Convolutions along windows of consecutive rows (-WindowSize), or over image-shaped rows (-ImageShape).</summary>
    Convolutional,
    /// <summary>An LSTM encoder-decoder over windows of consecutive rows (-WindowSize).</summary>
    Recurrent,
}
