namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// The reconstruction error: the mean squared error between a sample's scaled inputs and the network's reconstruction
/// of them. Alone (<see cref="Plain"/>) it is the score itself, in scaled units squared, as in every model since the
/// first format. Beside other terms it is calibrated: its contribution is √(MSE / median), the median taken on the
/// held-out rows, so a typical normal row contributes 1 and the square root keeps it on the scale of a distance.
/// </summary>
public sealed class ReconstructionTerm : IScoreTerm
{
    public const string TermName = "ReconstructionError";

    private ReconstructionTerm(double? median) => Median = median;

    /// <summary>The term that is the whole score: the raw reconstruction error, not calibrated.</summary>
    public static ReconstructionTerm Plain { get; } = new(null);

    public string Name => TermName;

    /// <summary>The median reconstruction error of the held-out rows; null when the term is the whole score.</summary>
    public double? Median { get; }

    /// <summary>A calibrated term with the held-out rows' median error <paramref name="median"/>.</summary>
    public static ReconstructionTerm Calibrated(double median) => TermTraining.Usable(median)
        ? new ReconstructionTerm(median)
        : throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The reconstruction term's median is out of range.");

    /// <summary>Calibrated on the held-out rows; null when their median error is 0 (every held-out row reconstructed exactly).</summary>
    public static IScoreTerm? Fit(TermTraining training)
    {
        double median = TermTraining.Median(training.HeldOut.ReconstructionErrors);
        return TermTraining.Usable(median) ? new ReconstructionTerm(median) : null;
    }

    public static IScoreTerm Restore(ScoreTermState state, TermBatchShape shape) =>
        state.Median is null ? Plain : Calibrated(state.RequireMedian());

    public double[] Measure(TermBatch batch) => batch.ReconstructionErrors;

    public double Contribution(double value) => Median is { } m ? Math.Sqrt(Math.Max(value, 0) / m) : value;

    public float[] FeatureWeights(TermBatch batch, int[] samples)
    {
        var weights = new float[samples.Length * batch.Width];
        for (int i = 0; i < samples.Length; i++)
        {
            batch.SquaredErrors.AsSpan(samples[i] * batch.Width, batch.Width).CopyTo(weights.AsSpan(i * batch.Width));
        }

        return weights;
    }

    /// <summary>The network's reconstruction of the row.</summary>
    public TermExpectation Expect(TermBatch batch, int sample)
    {
        var expected = new double[batch.Width];
        ReadOnlySpan<float> last = batch.LastRows.AsSpan(sample * batch.Width, batch.Width);
        for (int j = 0; j < expected.Length; j++)
        {
            expected[j] = last[j];
        }

        return new TermExpectation(expected);
    }

    public ScoreTermState Save() => new(TermName, Median, new Dictionary<string, double>(), Array.Empty<WeightTensor>());
}
