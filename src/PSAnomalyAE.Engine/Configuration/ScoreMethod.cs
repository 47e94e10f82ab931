namespace PSAnomalyAE.Engine.Configuration;

/// <summary>What a row's score (its ReconstructionError) is made of.</summary>
public enum ScoreMethod
{
    /// <summary>
    /// The reconstruction error, plus the row's distance to its nearest training rows: √(MSE / m₁) + d / m₂, where d is
    /// the mean distance to the <see cref="ModelDefaults.NeighbourCount"/> nearest rows of a bounded sample of the
    /// training rows (in the network's input space) and m₁, m₂ are the medians of each term on the held-out rows.
    /// </summary>
    ReconstructionAndDistance,
    /// <summary>The reconstruction error alone: the mean squared error over the network's inputs, in scaled units.</summary>
    Reconstruction,
}
