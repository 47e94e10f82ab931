using System.Globalization;

namespace PSAnomalyAE;

/// <summary>A threshold chosen by Find-AEThreshold, with what it does on the rows it was chosen from.</summary>
public sealed class AEThreshold
{
    internal AEThreshold(double threshold, string method, double? parameter, IReadOnlyList<double> errors, bool capped)
    {
        Threshold = threshold;
        Method = method;
        Parameter = parameter;
        RowCount = errors.Count;
        FlaggedCount = ThresholdRules.CountAbove(errors, threshold);
        double[] sorted = errors.Order().ToArray();
        Minimum = sorted[0];
        Median = ThresholdRules.Percentile(sorted, 50);
        Maximum = sorted[^1];
        Capped = capped;
    }

    /// <summary>Rows whose score (ReconstructionError) is above this value are anomalies.</summary>
    public double Threshold { get; }

    /// <summary>Percentile, Sigma, Mad, Contamination, or the objective of a labelled choice (F1, Youden, ...).</summary>
    public string Method { get; }

    /// <summary>The method's parameter: the percentile, k, the contamination, or the objective's limit.</summary>
    public double? Parameter { get; }

    /// <summary>How many rows the threshold was chosen from.</summary>
    public int RowCount { get; }

    /// <summary>How many of those rows lie above the threshold.</summary>
    public int FlaggedCount { get; }

    public double FlaggedPercent => RowCount == 0 ? 0 : 100.0 * FlaggedCount / RowCount;

    public double Minimum { get; }

    public double Median { get; }

    public double Maximum { get; }

    /// <summary>True when -MaxAnomalyRatio raised the threshold.</summary>
    public bool Capped { get; }

    /// <summary>Area under the ROC curve (labelled rows only).</summary>
    public double? RocAuc { get; internal set; }

    /// <summary>Average precision (labelled rows only).</summary>
    public double? AveragePrecision { get; internal set; }

    /// <summary>Share of flagged rows that are anomalies (labelled rows only).</summary>
    public double? Precision { get; internal set; }

    /// <summary>Share of anomalies flagged (labelled rows only).</summary>
    public double? Recall { get; internal set; }

    public double? F1 { get; internal set; }

    /// <summary>Share of normal rows flagged (labelled rows only).</summary>
    public double? FalsePositiveRate { get; internal set; }

    public int? TruePositives { get; internal set; }

    public int? FalsePositives { get; internal set; }

    public int? TrueNegatives { get; internal set; }

    public int? FalseNegatives { get; internal set; }

    /// <summary>The ROC curve, one point per distinct error (labelled rows only); pipe it to Export-Csv.</summary>
    public AERocPoint[]? Roc { get; internal set; }

    /// <summary>The precision-recall curve (labelled rows only); pipe it to Export-Csv.</summary>
    public AEPrecisionRecallPoint[]? PrecisionRecall { get; internal set; }

    /// <summary>The picture written with -PlotPath.</summary>
    public string? PlotPath { get; internal set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Threshold:G6} ({Method} {Parameter})");
}
