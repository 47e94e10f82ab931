namespace PSAnomalyAE.Engine.Thresholds;

/// <summary>How a labelled threshold is chosen.</summary>
public enum ThresholdObjective
{
    /// <summary>The highest F1 score (harmonic mean of precision and recall).</summary>
    F1,
    /// <summary>Youden's J: the largest true-positive rate minus false-positive rate.</summary>
    Youden,
    /// <summary>The highest recall whose false-positive rate is at most the parameter ("no more than 1 % false alarms").</summary>
    MaxFalsePositiveRate,
    /// <summary>The fewest false alarms while catching at least the parameter's share of anomalies.</summary>
    MinRecall,
    /// <summary>The lowest cost, where a missed anomaly costs the parameter times a false alarm.</summary>
    Cost,
}
