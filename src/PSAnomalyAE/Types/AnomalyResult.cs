namespace PSAnomalyAE;

/// <summary>
/// The properties Test-AEAnomaly adds to each row. Test-AEAnomaly writes the input row itself (a copy, with every
/// original column) with these properties added, under the type name PSAnomalyAE.AnomalyResult#&lt;columns&gt;; this
/// class is its [OutputType], so help, Get-Command and tab completion (Where-Object, Select-Object, Sort-Object,
/// $_.) know them. Never instantiated.
/// </summary>
public sealed class AnomalyResult
{
    private AnomalyResult()
    {
    }

    /// <summary>What the threshold applies to: the reconstruction error, or with it the distance to normal rows.</summary>
    public double? Score { get; }

    /// <summary>The row's reconstruction error (mean squared error over the scaled features).</summary>
    public double? ReconstructionError { get; }

    /// <summary>The mean distance to the nearest normal rows (default scoring only).</summary>
    public double? NeighbourDistance { get; }

    /// <summary>The threshold the score was compared with.</summary>
    public double? Threshold { get; }

    /// <summary>Whether the row is an anomaly (its score is past the threshold, -MinConsecutive times in a row).</summary>
    public bool? Anomaly { get; }

    /// <summary>The score divided by the threshold.</summary>
    public double? ScoreToThreshold { get; }

    /// <summary>None, Low, Medium, High or Critical.</summary>
    public string? Severity { get; }

    /// <summary>The share (0-100) of normal reference rows scoring at or below the row.</summary>
    public double? ScorePercentile { get; }

    /// <summary>The columns that contributed most to the score.</summary>
    public AEFeatureContributionList? TopFeatures { get; }

    /// <summary>One line an operator can act on.</summary>
    public string? Reason { get; }

    /// <summary>The model's Name (with -IncludeModelName).</summary>
    public string? ModelName { get; }
}

/// <summary>
/// The properties Measure-AEReconstructionError adds to each row (the row itself is written, with every original
/// column, under the type name PSAnomalyAE.ReconstructionErrorResult#&lt;columns&gt;): its [OutputType], for help,
/// Get-Command and tab completion. Never instantiated.
/// </summary>
public sealed class ReconstructionErrorResult
{
    private ReconstructionErrorResult()
    {
    }

    /// <summary>What a threshold applies to: the reconstruction error, or with it the distance to normal rows.</summary>
    public double? Score { get; }

    /// <summary>The row's reconstruction error (mean squared error over the scaled features).</summary>
    public double? ReconstructionError { get; }

    /// <summary>The mean distance to the nearest normal rows (default scoring only).</summary>
    public double? NeighbourDistance { get; }

    /// <summary>Each feature's reconstruction error (without -FlattenFeatureErrors).</summary>
    public object? FeatureErrors { get; }
}
