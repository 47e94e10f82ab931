namespace PSAnomalyAE.Engine.Thresholds;

/// <summary>ROC and precision-recall analysis of reconstruction errors against labels (true = anomaly).</summary>
public static class Roc
{
    /// <summary>Throws unless <paramref name="isAnomaly"/> holds both normal and anomalous rows, as ROC analysis needs.</summary>
    public static void RequireBothClasses(IReadOnlyCollection<bool> isAnomaly)
    {
        bool anyAnomaly = isAnomaly.Contains(true);
        if (!anyAnomaly || !isAnomaly.Contains(false))
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"ROC analysis needs both normal and anomalous rows; all {isAnomaly.Count} rows are labelled {(anyAnomaly ? "anomalous" : "normal")}.")
            {
                RecommendedAction = "Include labelled anomalies and normal rows in the validation data.",
            };
        }
    }

    /// <summary>
    /// The standard error of a ROC-AUC of <paramref name="auc"/> measured on <paramref name="anomalies"/> anomalous and
    /// <paramref name="normals"/> normal rows (Hanley and McNeil, 1982): how far the same score's ROC-AUC on other rows
    /// of the same kind may lie. It shrinks with the number of anomalies, which labelled history has fewest of. The
    /// formula gives 0 for a perfect ROC-AUC, however few the anomalies; a figure is therefore taken no closer to 0 or 1
    /// than half an anomaly ranked the other way would leave it (0.5 / <paramref name="anomalies"/>).
    /// </summary>
    public static double AucStandardError(double auc, int anomalies, int normals)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(anomalies, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(normals, 1);
        double a = Math.Clamp(auc, 0.5 / anomalies, 1 - (0.5 / anomalies));
        double q1 = a / (2 - a), q2 = 2 * a * a / (1 + a);
        double variance = ((a * (1 - a)) + ((anomalies - 1) * (q1 - (a * a))) + ((normals - 1) * (q2 - (a * a)))) / ((double)anomalies * normals);
        return Math.Sqrt(Math.Max(variance, 0));
    }

    /// <summary>
    /// The ROC curve (as scikit-learn's roc_curve with drop_intermediate=False), the precision-recall curve,
    /// ROC-AUC and average precision (as roc_auc_score and average_precision_score).
    /// </summary>
    public static RocCurve Curve(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        if (scores.Count != isAnomaly.Count)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"There are {scores.Count} scores but {isAnomaly.Count} labels.");
        }

        if (scores.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "ROC analysis needs labelled rows; none were given.");
        }

        for (int i = 0; i < scores.Count; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"Row {i + 1}: the score is {scores[i]}; ROC analysis needs finite scores.") { RowNumber = i + 1 };
            }
        }

        RequireBothClasses(isAnomaly);
        int pos = isAnomaly.Count(a => a), neg = scores.Count - pos;

        int[] order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var points = new List<RocPoint> { new(double.PositiveInfinity, 0, 0, 0, 0, neg, pos) };
        var pr = new List<PrecisionRecallPoint>();
        int tp = 0, fp = 0;
        double auc = 0, ap = 0, prevFpr = 0, prevTpr = 0, prevRecall = 0;
        for (int k = 0; k < order.Length;)
        {
            double t = scores[order[k]];
            while (k < order.Length && scores[order[k]] == t)
            {
                if (isAnomaly[order[k]]) { tp++; } else { fp++; }
                k++;
            }

            double fpr = (double)fp / neg, tpr = (double)tp / pos;
            points.Add(new RocPoint(t, fpr, tpr, tp, fp, neg - fp, pos - tp));
            auc += (fpr - prevFpr) * (tpr + prevTpr) / 2;
            double precision = (double)tp / (tp + fp);
            pr.Add(new PrecisionRecallPoint(t, precision, tpr));
            ap += (tpr - prevRecall) * precision;
            (prevFpr, prevTpr, prevRecall) = (fpr, tpr, tpr);
        }

        double[] distinct = scores.Distinct().Order().ToArray();
        return new RocCurve(points, pr, auc, ap, pos, neg, distinct);
    }

    /// <summary>
    /// Chooses an operating point by <paramref name="objective"/>. Its <see cref="OperatingPoint.Threshold"/> is
    /// ready for the module's rule "error &gt; threshold is an anomaly": it is the next distinct score below the
    /// chosen point's, so exactly the rows scoring at or above the chosen point are flagged.
    /// </summary>
    public static OperatingPoint Choose(RocCurve curve, ThresholdObjective objective, double parameter = 0)
    {
        IEnumerable<RocPoint> candidates = curve.Points;
        Func<RocPoint, double> score;
        switch (objective)
        {
            case ThresholdObjective.F1:
                score = p => p.TruePositives == 0 ? 0 : 2.0 * p.TruePositives / ((2.0 * p.TruePositives) + p.FalsePositives + p.FalseNegatives);
                break;
            case ThresholdObjective.Youden:
                score = p => p.TruePositiveRate - p.FalsePositiveRate;
                break;
            case ThresholdObjective.MaxFalsePositiveRate:
                RequireRate(parameter, "MaxFalsePositiveRate");
                candidates = candidates.Where(p => p.FalsePositiveRate <= parameter);
                score = p => p.TruePositiveRate - (1e-9 * p.FalsePositiveRate);
                break;
            case ThresholdObjective.MinRecall:
                RequireRate(parameter, "MinRecall");
                candidates = candidates.Where(p => p.TruePositiveRate >= parameter);
                score = p => -p.FalsePositives;
                break;
            case ThresholdObjective.Cost:
                if (!(parameter > 0) || !double.IsFinite(parameter))
                {
                    throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The cost of a miss relative to a false alarm must be a positive number.");
                }

                score = p => -((parameter * p.FalseNegatives) + p.FalsePositives);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(objective));
        }

        // Ties go to the highest threshold (fewest rows flagged): points are in decreasing order of threshold.
        RocPoint? best = null;
        double bestScore = double.NegativeInfinity;
        foreach (RocPoint p in candidates)
        {
            double s = score(p);
            if (s > bestScore)
            {
                (best, bestScore) = (p, s);
            }
        }

        if (best is null)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"No threshold meets {objective} {parameter}.");
        }

        return new OperatingPoint(
            objective,
            objective is ThresholdObjective.F1 or ThresholdObjective.Youden ? null : parameter,
            StrictThreshold(curve, best.Threshold),
            best.TruePositives,
            best.FalsePositives,
            best.TrueNegatives,
            best.FalseNegatives);
    }

    /// <summary>The largest value T with "score &gt; T" equal to "score &gt;= <paramref name="atOrAbove"/>" on these scores.</summary>
    private static double StrictThreshold(RocCurve curve, double atOrAbove)
    {
        if (double.IsPositiveInfinity(atOrAbove))
        {
            return curve.DistinctScores[^1];
        }

        int i = Array.BinarySearch(curve.DistinctScores, atOrAbove);
        return i > 0 ? curve.DistinctScores[i - 1] : Math.BitDecrement(atOrAbove);
    }

    private static void RequireRate(double rate, string name)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"{name} must be between 0 and 1 (a share, such as 0.01 for 1 %).");
        }
    }
}
