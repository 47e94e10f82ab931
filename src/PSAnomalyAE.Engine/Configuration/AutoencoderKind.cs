namespace PSAnomalyAE.Engine.Configuration;

/// <summary>The kinds of autoencoder the engine builds (see Networks/NetworkFactory for the network of each).</summary>
public enum AutoencoderKind
{
    /// <summary>Dense layers down to a linear bottleneck and back.</summary>
    Dense,
    /// <summary>
    /// Dense, with a ReLU bottleneck whose activations carry an L1 penalty (<see cref="ModelSpec.SparsityWeight"/>),
    /// so few of them are active per row.
    /// </summary>
    Sparse,
    /// <summary>A variational autoencoder: the encoder gives a mean and log-variance; loss = reconstruction + beta (<see cref="ModelSpec.KLWeight"/>) x KL.</summary>
    Variational,
    /// <summary>Dense, trained to reconstruct clean rows from rows with Gaussian noise (<see cref="ModelSpec.NoiseLevel"/>) added (training only).</summary>
    Denoising,
    /// <summary>Convolutions along a window of consecutive rows (1-D, <see cref="ModelSpec.WindowSize"/>), or over image-shaped rows (2-D, <see cref="ModelSpec.ImageShape"/>).</summary>
    Convolutional,
    /// <summary>An LSTM encoder over a window of consecutive rows (<see cref="ModelSpec.WindowSize"/>), a bottleneck, and an LSTM decoder.</summary>
    Recurrent,
}
