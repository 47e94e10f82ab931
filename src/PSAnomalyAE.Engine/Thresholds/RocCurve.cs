namespace PSAnomalyAE.Engine.Thresholds;

/// <summary>The ROC and precision-recall curves of a set of scores against labels.</summary>
public sealed class RocCurve
{
    internal RocCurve(IReadOnlyList<RocPoint> points, IReadOnlyList<PrecisionRecallPoint> pr, double auc, double ap, int positives, int negatives, double[] sortedDistinct)
    {
        Points = points;
        PrecisionRecall = pr;
        RocAuc = auc;
        AveragePrecision = ap;
        Positives = positives;
        Negatives = negatives;
        DistinctScores = sortedDistinct;
    }

    /// <summary>The ROC curve, from (0, 0) at threshold +infinity through every distinct score in decreasing order.</summary>
    public IReadOnlyList<RocPoint> Points { get; }

    /// <summary>Precision and recall at every distinct score, in decreasing order of threshold.</summary>
    public IReadOnlyList<PrecisionRecallPoint> PrecisionRecall { get; }

    /// <summary>The area under the ROC curve (trapezoid rule; ties count half).</summary>
    public double RocAuc { get; }

    /// <summary>Average precision: the sum over thresholds of (recall gained) x precision.</summary>
    public double AveragePrecision { get; }

    public int Positives { get; }

    public int Negatives { get; }

    /// <summary>
    /// What the rule "score &gt; <paramref name="threshold"/> is an anomaly" does on these rows: the confusion counts,
    /// read off the curve (the point of the smallest score above the threshold).
    /// </summary>
    public OperatingPoint At(double threshold, ThresholdObjective objective, double? parameter)
    {
        RocPoint at = Points[0];
        foreach (RocPoint p in Points)
        {
            if (p.Threshold > threshold)
            {
                at = p;
            }
            else
            {
                break;
            }
        }

        return new OperatingPoint(objective, parameter, threshold, at.TruePositives, at.FalsePositives, at.TrueNegatives, at.FalseNegatives);
    }

    /// <summary>The distinct scores, ascending.</summary>
    internal double[] DistinctScores { get; }
}
