namespace PSAnomalyAE.Engine;

/// <summary>A chosen threshold and how it was chosen.</summary>
public sealed record ThresholdInfo(double Value, string Method, double? Parameter, int SampleCount, string Source);

/// <summary>Threshold rules over reconstruction errors of normal validation rows.</summary>
public static class Thresholds
{
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

    /// <summary>How many of <paramref name="values"/> lie strictly above <paramref name="threshold"/>.</summary>
    public static int CountAbove(IEnumerable<double> values, double threshold) => values.Count(v => v > threshold);
}
