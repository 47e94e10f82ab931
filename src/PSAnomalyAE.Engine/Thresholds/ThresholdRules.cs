namespace PSAnomalyAE.Engine.Thresholds;

/// <summary>Threshold rules over reconstruction errors of normal validation rows.</summary>
public static class ThresholdRules
{
    /// <summary>The largest expected share of anomalies <see cref="Contamination"/> takes; it takes any share above 0 up to this.</summary>
    public const double MaxContamination = 0.5;

    /// <summary>Why <see cref="Contamination"/> does not take <paramref name="contamination"/>, or null when it does.</summary>
    public static string? ContaminationProblem(double contamination) => contamination > 0 && contamination <= MaxContamination
        ? null
        : FormattableString.Invariant($"Contamination is the expected share of anomalies: more than 0 and at most {MaxContamination}.");

    /// <summary>The limit of <paramref name="objective"/> when none is given (see <see cref="ModelDefaults"/>); 0 for objectives without one.</summary>
    public static double DefaultObjectiveValue(ThresholdObjective objective) => objective switch
    {
        ThresholdObjective.MaxFalsePositiveRate => ModelDefaults.MaxFalsePositiveRate,
        ThresholdObjective.MinRecall => ModelDefaults.MinRecall,
        ThresholdObjective.Cost => ModelDefaults.MissCost,
        _ => 0,
    };

    /// <summary>
    /// The threshold to flag by: <paramref name="given"/>, or else the model's <paramref name="stored"/> one. Throws
    /// (<see cref="AnomalyErrorKind.NoThreshold"/>) when there is neither.
    /// </summary>
    public static double Require(double? given, ThresholdChoice? stored) =>
        given ?? stored?.Value ?? throw new AnomalyDetectionException(AnomalyErrorKind.NoThreshold, "The model has no threshold and none was given.")
        {
            RecommendedAction = "Choose a threshold from the scores of normal rows, or give one.",
        };

    /// <summary>
    /// The <paramref name="percentile"/>-th percentile (0-100) of <paramref name="values"/>, interpolating linearly
    /// between order statistics (the rule numpy.percentile uses by default).
    /// </summary>
    public static double Percentile(IReadOnlyCollection<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "A percentile needs at least one value.");
        }

        if (!(percentile >= 0 && percentile <= 100))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The percentile must be between 0 and 100.");
        }

        double[] sorted = values.ToArray();
        if (sorted.Any(v => !double.IsFinite(v)))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "Reconstruction errors must be finite numbers.");
        }

        Array.Sort(sorted);
        double rank = percentile / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        double frac = rank - lo;
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * frac);
    }

    /// <summary>Mean plus <paramref name="k"/> standard deviations (population) of <paramref name="values"/>.</summary>
    public static double Sigma(IReadOnlyCollection<double> values, double k)
    {
        RequireValues(values);
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        return mean + (k * sd);
    }

    /// <summary>
    /// Median plus <paramref name="k"/> median absolute deviations, the MAD scaled by 1.4826 so that it estimates the
    /// standard deviation for normally distributed values. Robust: a few extreme errors barely move it.
    /// </summary>
    public static double Mad(IReadOnlyCollection<double> values, double k)
    {
        RequireValues(values);
        double median = Percentile(values, 50);
        double mad = Percentile(values.Select(v => Math.Abs(v - median)).ToArray(), 50);
        return median + (k * 1.4826 * mad);
    }

    /// <summary>
    /// The threshold that flags the expected share <paramref name="contamination"/> (above 0, at most <see cref="MaxContamination"/>) of anomalies among
    /// <paramref name="values"/>: their (1 - contamination) quantile.
    /// </summary>
    public static double Contamination(IReadOnlyCollection<double> values, double contamination)
    {
        if (ContaminationProblem(contamination) is { } problem)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, problem);
        }

        return Percentile(values, 100 * (1 - contamination));
    }

    /// <summary>
    /// Raises <paramref name="threshold"/> when needed so that at most <paramref name="ratio"/> of <paramref name="values"/>
    /// lie above it. Returns the threshold and whether it was raised.
    /// </summary>
    public static (double Threshold, bool Capped) CapRatio(IReadOnlyCollection<double> values, double threshold, double ratio)
    {
        double floor = Percentile(values, 100 * (1 - ratio));
        return floor > threshold ? (floor, true) : (threshold, false);
    }

    /// <summary>The percentage (0-100) of the sorted <paramref name="reference"/> values at or below <paramref name="value"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double PercentileRank(double[] reference, double value)
    {
        if (reference.Length == 0)
        {
            return double.NaN;
        }

        int lo = 0, hi = reference.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (reference[mid] <= value) { lo = mid + 1; } else { hi = mid; }
        }

        return 100.0 * lo / reference.Length;
    }

    private static void RequireValues(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "A threshold needs at least one value.");
        }
    }

    /// <summary>How many of <paramref name="values"/> lie strictly above <paramref name="threshold"/>.</summary>
    public static int CountAbove(IEnumerable<double> values, double threshold) => values.Count(v => v > threshold);
}
