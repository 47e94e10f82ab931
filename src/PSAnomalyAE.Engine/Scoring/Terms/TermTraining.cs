namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// What a score term is fitted and calibrated on: the training samples (in the network's input space, as in
/// <see cref="TermBatch.Samples"/>), the held-out normal samples with their reconstruction errors, and the training
/// run's random numbers (for a seeded sample).
/// </summary>
public sealed record TermTraining(float[] TrainSamples, TermBatch HeldOut, Random Rng)
{
    public int SampleSize => HeldOut.SampleSize;

    public int TrainCount => TrainSamples.Length / SampleSize;

    /// <summary>The median of the finite values, or NaN when there are none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>True for a median a term can be scaled by: finite and above 0.</summary>
    public static bool Usable(double median) => median > 0 && double.IsFinite(median);
}
