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
    /// <summary>The distance to the nearest training rows alone, d / m₂ (see <see cref="ReconstructionAndDistance"/>).</summary>
    Distance,
    /// <summary>
    /// The residual of the training rows' principal components alone (the linear autoencoder): √(r / m₃), where r is
    /// the mean squared distance of the sample from the span of the components that explain 90 % of the training
    /// samples' variance and m₃ its median on the held-out rows.
    /// </summary>
    PcaResidual,
    /// <summary>
    /// Chosen at training, from the training data alone: every term is fitted, each candidate score (each term alone,
    /// and reconstruction and distance together) is judged on the held-out rows against synthetic anomalies made from
    /// the training rows, and <see cref="ReconstructionAndDistance"/> stays unless another wins by
    /// <see cref="ModelDefaults.ScoreChoiceMargin"/>. A trained model scores by the candidate chosen; its other terms
    /// stay in the model, so labelled rows can choose again without training (<see cref="Scoring.ScoreChoice"/>).
    /// </summary>
    Auto,
    /// <summary>
    /// How easily random splits of the training samples isolate the sample (an isolation forest of
    /// <see cref="ModelDefaults.IsolationTrees"/> trees over seeded samples of <see cref="ModelDefaults.IsolationSample"/>):
    /// s / m₄, where s = 2^(−E[h] / c(ψ)) is the forest's anomaly score and m₄ its median on the held-out rows.
    /// </summary>
    Isolation,
}
