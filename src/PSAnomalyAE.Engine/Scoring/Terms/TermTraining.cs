namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// What a score term is fitted and calibrated on: the training samples (in the network's input space, as in
/// <see cref="TermBatch.Samples"/>), the held-out normal samples with their reconstruction errors, and the training
/// run's random numbers (for a seeded sample).
/// </summary>
public sealed record TermTraining(float[] TrainSamples, TermBatch HeldOut, Random Rng)
{
    /// <summary>
    /// The training run's seed, for a term whose random numbers must not depend on which other terms were fitted before
    /// it (a term fitted alone and among every candidate, with -Scoring Auto, must come out the same).
    /// </summary>
    public int Seed { get; init; }

    public int SampleSize => HeldOut.SampleSize;

    public int TrainCount => TrainSamples.Length / SampleSize;

    /// <summary>True when a term can be fitted and calibrated: at least 2 training samples and some held-out ones.</summary>
    public bool CanFit => TrainCount >= 2 && HeldOut.Count > 0;

    /// <summary>
    /// The term <paramref name="make"/> gives for the median of its held-out values <paramref name="heldOut"/>, with
    /// those values kept on the held-out batch (used as they are for the threshold and the score choice, not measured
    /// again); null when the median is not usable.
    /// </summary>
    public IScoreTerm? Calibrated(double[] heldOut, Func<double, IScoreTerm> make)
    {
        double median = Median(heldOut);
        if (!Usable(median))
        {
            return null;
        }

        IScoreTerm term = make(median);
        HeldOut.Measured[term] = heldOut;
        return term;
    }

    /// <summary>
    /// A seeded sample of <paramref name="take"/> training samples (a partial Fisher-Yates shuffle on the run's random
    /// numbers), kept in training order.
    /// </summary>
    public float[] SampleTraining(int take) => Gather(Draw(TrainCount, take));

    /// <summary>
    /// A seeded sample of <paramref name="take"/> samples drawn, as <see cref="SampleTraining"/> draws them, from the
    /// training samples followed by the held-out ones, kept in that order; and for each held-out sample its place in the
    /// sample, or -1 when it was not drawn.
    /// </summary>
    public (float[] Rows, int[] HeldOutAt) SampleTrainingAndHeldOut(int take)
    {
        int trainCount = TrainCount;
        int[] drawn = Draw(trainCount + HeldOut.Count, take);
        int[] heldOutAt = new int[HeldOut.Count];
        Array.Fill(heldOutAt, -1);
        for (int i = 0; i < drawn.Length; i++)
        {
            if (drawn[i] >= trainCount)
            {
                heldOutAt[drawn[i] - trainCount] = i;
            }
        }

        return (Gather(drawn), heldOutAt);
    }

    /// <summary><paramref name="take"/> of the indexes 0 to <paramref name="count"/> - 1, drawn on the run's random numbers, in ascending order.</summary>
    private int[] Draw(int count, int take)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        for (int i = 0; i < take; i++)
        {
            int j = Rng.Next(i, count);
            (order[i], order[j]) = (order[j], order[i]);
        }

        Array.Sort(order, 0, take);
        return order[..take];
    }

    /// <summary>The samples at <paramref name="indexes"/>, counting the training samples first, then the held-out ones.</summary>
    private float[] Gather(int[] indexes)
    {
        int width = SampleSize;
        int trainCount = TrainCount;
        var rows = new float[indexes.Length * width];
        for (int i = 0; i < indexes.Length; i++)
        {
            (float[] from, int at) = indexes[i] < trainCount ? (TrainSamples, indexes[i]) : (HeldOut.Samples, indexes[i] - trainCount);
            Array.Copy(from, (long)at * width, rows, (long)i * width, width);
        }

        return rows;
    }

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
