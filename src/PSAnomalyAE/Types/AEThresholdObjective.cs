namespace PSAnomalyAE;

/// <summary>How Find-AEThreshold chooses a threshold from labelled rows.</summary>
public enum AEThresholdObjective
{
    /// <summary>The highest F1 score.</summary>
    F1,
    /// <summary>The largest true-positive rate minus false-positive rate.</summary>
    Youden,
    /// <summary>The highest recall with a false-positive rate at most -ObjectiveValue (default 0.01).</summary>
    MaxFalsePositiveRate,
    /// <summary>The fewest false alarms while catching at least -ObjectiveValue of the anomalies (default 0.99).</summary>
    MinRecall,
    /// <summary>The lowest cost when a miss costs -ObjectiveValue false alarms (default 10).</summary>
    Cost,
}
