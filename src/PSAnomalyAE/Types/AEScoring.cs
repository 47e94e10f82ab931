namespace PSAnomalyAE;

/// <summary>What a row's score (its ReconstructionError) is made of.</summary>
public enum AEScoring
{
    /// <summary>
    /// The default: √(reconstruction error / m₁) + (mean distance to the 5 nearest of up to 2,000 sampled training
    /// rows) / m₂, where m₁ and m₂ are the medians of each term on the held-out training rows. About 2 for a typical
    /// normal row.
    /// </summary>
    ReconstructionAndDistance,
    /// <summary>The reconstruction error alone: the mean squared error over the network's inputs, in scaled units.</summary>
    Reconstruction,
    /// <summary>The distance to the nearest training rows alone, divided by its median on the held-out rows.</summary>
    Distance,
    /// <summary>
    /// The residual of the training rows' principal components alone (a linear autoencoder): √(r / m), r the mean squared
    /// distance from the span of the components that explain 90 % of the variance, m its held-out median.
    /// </summary>
    PcaResidual,
    /// <summary>
    /// Chosen at training from the training data alone: each candidate (ReconstructionAndDistance, Distance,
    /// Reconstruction, PcaResidual, Isolation) is judged on the held-out rows against synthetic anomalies made from the training
    /// rows, and ReconstructionAndDistance stays unless another is clearly better. The model keeps every candidate, so
    /// Find-AEScoring can choose again from labelled rows without training.
    /// </summary>
    Auto,
    /// <summary>
    /// How easily random splits of the training rows isolate the row (an isolation forest of 100 trees over seeded
    /// samples of 256 rows): the forest's anomaly score divided by its held-out median. A value beyond a column's training
    /// range scores as the column's most extreme training value does: the score does not grow with how far out it lies.
    /// </summary>
    Isolation,
}
