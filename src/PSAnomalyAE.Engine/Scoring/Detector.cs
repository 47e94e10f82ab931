namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Turns reconstruction errors, in row order, into verdicts: the threshold, the rule that only the
/// <see cref="MinConsecutive"/>-th and later of consecutive rows past the threshold are flagged (sustained
/// anomalies), severity, and the percentile against the model's normal rows. It keeps the current run of rows past
/// the threshold, so feed it the rows of one stream in order.
/// </summary>
public sealed class Detector
{
    private readonly double[] _reference;
    private int _run;

    /// <param name="threshold">Errors above it are past the threshold.</param>
    /// <param name="minConsecutive">Consecutive rows past the threshold needed before rows are flagged (1: every one).</param>
    /// <param name="referenceErrors">Sorted errors of normal rows, for percentiles (may be empty).</param>
    public Detector(double threshold, int minConsecutive, double[] referenceErrors)
    {
        if (!(threshold >= 0) || double.IsPositiveInfinity(threshold))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The threshold must be a finite number of 0 or more.");
        }

        if (minConsecutive < 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "MinConsecutive must be at least 1.");
        }

        Threshold = threshold;
        MinConsecutive = minConsecutive;
        _reference = referenceErrors;
    }

    public double Threshold { get; }

    public int MinConsecutive { get; }

    /// <summary>
    /// Consecutive rows past the threshold so far, ending at the last row seen. Save it and pass it to
    /// <see cref="ContinueRun"/> to go on with the same stream in a later run.
    /// </summary>
    public int Run => _run;

    /// <summary>Continues a run of rows past the threshold that a previous detector of the same stream ended with.</summary>
    public void ContinueRun(int run)
    {
        if (run < 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "A run of rows past the threshold cannot be negative.");
        }

        _run = run;
    }

    /// <summary>The verdict on the next row's <paramref name="error"/>.</summary>
    public Detection Next(double error)
    {
        _run = error > Threshold ? _run + 1 : 0;
        bool anomaly = _run >= MinConsecutive;
        double score = Threshold > 0 ? error / Threshold : (error > 0 ? double.PositiveInfinity : 0);
        double percentile = ThresholdRules.PercentileRank(_reference, error);
        return new Detection(anomaly, score, SeverityOf(anomaly, score), double.IsNaN(percentile) ? null : percentile);
    }

    /// <summary>How far past the threshold: Low up to 1.5 times, Medium up to 3, High up to 10, Critical beyond.</summary>
    public static AnomalySeverity SeverityOf(bool anomaly, double score) => !anomaly ? AnomalySeverity.Normal : score switch
    {
        <= 1.5 => AnomalySeverity.Low,
        <= 3 => AnomalySeverity.Medium,
        <= 10 => AnomalySeverity.High,
        _ => AnomalySeverity.Critical,
    };
}
