namespace PSAnomalyAE.Engine.Scoring;

/// <summary>How far past the threshold a row's error is.</summary>
public enum AnomalySeverity
{
    /// <summary>Not an anomaly.</summary>
    Normal,
    /// <summary>Up to 1.5 times the threshold.</summary>
    Low,
    /// <summary>Up to 3 times the threshold.</summary>
    Medium,
    /// <summary>Up to 10 times the threshold.</summary>
    High,
    /// <summary>More than 10 times the threshold.</summary>
    Critical,
}
