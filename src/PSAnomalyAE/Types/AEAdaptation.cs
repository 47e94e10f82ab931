namespace PSAnomalyAE;

/// <summary>What a stream scored by Test-AEAnomaly -Adapt adapts to (combine them: -Adapt Likelihood, Learning).</summary>
[Flags]
public enum AEAdaptation
{
    /// <summary>Every row is scored as the model was trained; the model's threshold applies.</summary>
    None = 0,

    /// <summary>Each score is judged against the stream's own recent scores (an anomaly likelihood on a 0-1 scale; threshold 0.5).</summary>
    Likelihood = 1,

    /// <summary>A value beyond anything seen so far (by more than 5 % of the range seen) gets the top score. Needs Likelihood.</summary>
    NewRange = 2,

    /// <summary>A copy of the model keeps learning from the rows judged normal.</summary>
    Learning = 4,

    /// <summary>The setup for a live metric: Likelihood, NewRange and Learning.</summary>
    Stream = Likelihood | NewRange | Learning,
}
