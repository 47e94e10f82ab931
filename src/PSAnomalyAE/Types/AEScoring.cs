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
}
