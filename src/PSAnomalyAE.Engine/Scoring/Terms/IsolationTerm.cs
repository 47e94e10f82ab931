namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// How easily a sample is isolated by random splits of the training samples: an isolation forest (Liu, Ting and Zhou,
/// 2008) of <see cref="ModelDefaults.IsolationTrees"/> trees, each grown on a seeded sample of at most
/// <see cref="ModelDefaults.IsolationSample"/> training samples (in the network's input space) by splitting a random
/// input at a random point of its range, down to log₂ of the sample size. A sample's value is the forest's anomaly
/// score 2^(−E[h] / c(ψ)), E[h] the mean depth at which the trees isolate it (a leaf holding n training samples adds
/// c(n), the mean depth of a tree over n), ψ the tree's sample size; its contribution to the score is value / median,
/// 1 for a typical normal row.
/// </summary>
/// <remarks>
/// Why: a forest of axis-aligned splits ranks anomalies by how few splits set them apart, which does not depend on
/// each input's scale or on distances over every input. On some labelled sets (cardiotocography, thyroid in
/// BENCHMARKS.md) it ranks anomalies better than the reconstruction, the distance and the PCA residual. It is a
/// candidate of <see cref="ScoreMethod.Auto"/> and of the choice from labelled rows, never part of a fixed sum.
/// </remarks>
public sealed class IsolationTerm : IScoreTerm
{
    public const string TermName = "Isolation";

    private const string NodesName = "nodes";
    private const string RootsName = "roots";
    private const string CentreName = "centre";
    private const string SampleName = "SampleSize";

    // A node is three values: the input it splits (−1 for a leaf), the split point (for a leaf: its depth plus c(n) of
    // the training samples that reached it), and the index of its right child (the left child follows the node).
    private const int NodeValues = 3;

    private readonly float[] _nodes;
    private readonly int[] _roots;

    public IsolationTerm(float[] nodes, int[] roots, float[] centre, int sampleSize, double median)
    {
        if (centre.Length == 0 || roots.Length == 0 || nodes.Length % NodeValues != 0 || sampleSize < 2 || !TermTraining.Usable(median)
            || !WellFormed(nodes, roots, centre.Length))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The isolation term's trees are out of range.");
        }

        _nodes = nodes;
        _roots = roots;
        Centre = centre;
        SampleSize = sampleSize;
        Median = median;
    }

    public string Name => TermName;

    /// <summary>Values per sample.</summary>
    public int Width => Centre.Length;

    /// <summary>The trees.</summary>
    public int Trees => _roots.Length;

    /// <summary>Training samples each tree was grown on (ψ).</summary>
    public int SampleSize { get; }

    /// <summary>The median of each value over the training samples: what the term calls a typical sample.</summary>
    public float[] Centre { get; }

    /// <summary>The median value of the held-out rows.</summary>
    public double Median { get; }

    /// <summary>
    /// Grows the forest on the training samples (seeded by the run's seed) and takes the median on the held-out ones;
    /// null when there are fewer than 2 training samples, no held-out ones, or the median is not usable.
    /// </summary>
    public static IScoreTerm? Fit(TermTraining training)
    {
        if (!training.CanFit)
        {
            return null;
        }

        int width = training.SampleSize;
        int trainCount = training.TrainCount;

        // Its own random numbers, from the run's seed: the same forest whether it is fitted alone or after other terms.
        var rng = new Random(training.Seed ^ 0x150_1A7E);
        int psi = Math.Min(trainCount, ModelDefaults.IsolationSample);
        int limit = (int)Math.Ceiling(Math.Log2(psi));
        var nodes = new List<float>();
        var roots = new int[ModelDefaults.IsolationTrees];
        int[] all = Enumerable.Range(0, trainCount).ToArray();
        int[] inputs = Enumerable.Range(0, width).ToArray();
        for (int t = 0; t < roots.Length; t++)
        {
            // A partial Fisher-Yates shuffle picks the tree's samples.
            for (int i = 0; i < psi; i++)
            {
                int j = rng.Next(i, trainCount);
                (all[i], all[j]) = (all[j], all[i]);
            }

            roots[t] = nodes.Count / NodeValues;
            Grow(training.TrainSamples, width, all[..psi], 0, limit, rng, inputs, nodes);
        }

        float[] centre = Medians(training.TrainSamples, trainCount, width);
        var forest = new IsolationTerm(nodes.ToArray(), roots, centre, psi, 1);
        return training.Calibrated(forest.Measure(training.HeldOut), median => new IsolationTerm(forest._nodes, roots, centre, psi, median));
    }

    public static IScoreTerm Restore(ScoreTermState state, TermBatchShape shape)
    {
        WeightTensor nodes = state.Tensor(NodesName);
        WeightTensor roots = state.Tensor(RootsName);
        WeightTensor centre = state.Tensor(CentreName);
        if (centre.Shape is not [long w] || w != shape.SampleSize || nodes.Shape is not [_, NodeValues] || roots.Shape.Length != 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's isolation term and network disagree on the sample size.");
        }

        double psi = state.Setting(SampleName);
        return new IsolationTerm(
            nodes.Data,
            roots.Data.Select(r => r is >= 0 and <= int.MaxValue ? (int)r : -1).ToArray(),
            centre.Data,
            psi is >= 2 and <= int.MaxValue ? (int)psi : 0,
            state.RequireMedian());
    }

    public double[] Measure(TermBatch batch)
    {
        var values = new double[batch.Count];
        double norm = AveragePath(SampleSize);
        for (int i = 0; i < batch.Count; i++)
        {
            ReadOnlySpan<float> x = batch.Samples.AsSpan(i * Width, Width);
            double depth = 0;
            foreach (int root in _roots)
            {
                depth += PathLength(x, root);
            }

            values[i] = Math.Pow(2, -depth / _roots.Length / norm);
        }

        return values;
    }

    public double Contribution(double value) => value / Median;

    /// <summary>Per input, the squared difference between the sample and the training samples' medians (<see cref="Centre"/>).</summary>
    public float[] FeatureWeights(TermBatch batch, int[] samples)
    {
        var weights = new float[samples.Length * batch.Width];
        var difference = new double[Width];
        for (int i = 0; i < samples.Length; i++)
        {
            ReadOnlySpan<float> x = batch.Samples.AsSpan(samples[i] * Width, Width);
            for (int j = 0; j < Width; j++)
            {
                difference[j] = (double)x[j] - Centre[j];
            }

            batch.AddInputSquares(difference, weights.AsSpan(i * batch.Width, batch.Width));
        }

        return weights;
    }

    /// <summary>The training samples' medians, for the sample's last row.</summary>
    public TermExpectation Expect(TermBatch batch, int sample)
    {
        int net = batch.NetWidth;
        ReadOnlySpan<float> step = Centre.AsSpan((batch.Window - 1) * net, net);
        ReadOnlySpan<float> row = batch.Pca is { } pca ? pca.Reconstruct(step, 1) : step;
        return new TermExpectation(row.ToArray().Select(v => (double)v).ToArray());
    }

    public ScoreTermState Save() => new(
        TermName,
        Median,
        new Dictionary<string, double> { [SampleName] = SampleSize },
        new[]
        {
            new WeightTensor(NodesName, new long[] { _nodes.Length / NodeValues, NodeValues }, _nodes),
            new WeightTensor(RootsName, new long[] { _roots.Length }, _roots.Select(r => (float)r).ToArray()),
            new WeightTensor(CentreName, new long[] { Width }, Centre),
        });

    /// <summary>c(n): the mean depth at which a tree over n samples isolates one (the unsuccessful-search length of a binary search tree).</summary>
    internal static double AveragePath(int n) => n switch
    {
        <= 1 => 0,
        2 => 1,
        _ => (2 * (Math.Log(n - 1) + 0.5772156649015329)) - (2.0 * (n - 1) / n),
    };

    /// <summary>
    /// Grows the tree of <paramref name="rows"/> (indexes of training samples) at <paramref name="depth"/>, appending its
    /// nodes in pre-order. <paramref name="inputs"/> is a permutation of the inputs that every node reorders in place:
    /// a partial Fisher-Yates shuffle of any permutation draws the inputs in a uniformly random order.
    /// </summary>
    private static void Grow(float[] samples, int width, int[] rows, int depth, int limit, Random rng, int[] inputs, List<float> nodes)
    {
        int at = nodes.Count;
        nodes.Add(0);
        nodes.Add(0);
        nodes.Add(0);
        if (depth < limit && rows.Length > 1)
        {
            // Inputs are tried in a random order until one is not constant over the node's samples.
            for (int tried = 0; tried < width; tried++)
            {
                int pick = rng.Next(tried, width);
                (inputs[tried], inputs[pick]) = (inputs[pick], inputs[tried]);
                int input = inputs[tried];
                float low = float.PositiveInfinity, high = float.NegativeInfinity;
                foreach (int r in rows)
                {
                    float v = samples[(r * width) + input];
                    low = Math.Min(low, v);
                    high = Math.Max(high, v);
                }

                if (!(high > low))
                {
                    continue;
                }

                float split = (float)(low + (rng.NextDouble() * (high - low)));
                split = split > low ? split : high; // a split at the lowest value would send every sample right
                int[] left = rows.Where(r => samples[(r * width) + input] < split).ToArray();
                int[] right = rows.Where(r => samples[(r * width) + input] >= split).ToArray();
                nodes[at] = input;
                nodes[at + 1] = split;
                Grow(samples, width, left, depth + 1, limit, rng, inputs, nodes);
                nodes[at + 2] = nodes.Count / NodeValues;
                Grow(samples, width, right, depth + 1, limit, rng, inputs, nodes);
                return;
            }
        }

        nodes[at] = -1;
        nodes[at + 1] = (float)(depth + AveragePath(rows.Length));
        nodes[at + 2] = -1;
    }

    /// <summary>The depth at which the tree at <paramref name="node"/> isolates <paramref name="x"/>, with its leaf's c(n).</summary>
    private double PathLength(ReadOnlySpan<float> x, int node)
    {
        while (true)
        {
            int at = node * NodeValues;
            int input = (int)_nodes[at];
            if (input < 0)
            {
                return _nodes[at + 1];
            }

            node = x[input] < _nodes[at + 1] ? node + 1 : (int)_nodes[at + 2];
        }
    }

    /// <summary>The median of each value over the training samples (every k-th of them beyond <see cref="ModelDefaults.PcaResidualSample"/>).</summary>
    private static float[] Medians(float[] samples, int count, int width)
    {
        int step = (count + ModelDefaults.PcaResidualSample - 1) / ModelDefaults.PcaResidualSample;
        var centre = new float[width];
        var column = new float[(count + step - 1) / step];
        count = column.Length;
        for (int j = 0; j < width; j++)
        {
            for (int r = 0; r < count; r++)
            {
                column[r] = samples[(r * step * width) + j];
            }

            Array.Sort(column);
            centre[j] = count % 2 == 1 ? column[count / 2] : (column[(count / 2) - 1] + column[count / 2]) / 2;
        }

        return centre;
    }

    /// <summary>
    /// True when every tree's nodes lie in the table, each split names an input below <paramref name="width"/>, each
    /// right child lies after its node (so a walk always ends) and each leaf's depth is finite.
    /// </summary>
    private static bool WellFormed(float[] nodes, int[] roots, int width)
    {
        int count = nodes.Length / NodeValues;
        if (roots.Any(r => r < 0 || r >= count))
        {
            return false;
        }

        for (int n = 0; n < count; n++)
        {
            float input = nodes[n * NodeValues], value = nodes[(n * NodeValues) + 1], right = nodes[(n * NodeValues) + 2];
            bool leaf = input == -1 && right == -1 && float.IsFinite(value) && value >= 0;
            bool split = input >= 0 && input < width && input == MathF.Floor(input) && float.IsFinite(value)
                && right > n + 1 && right < count && right == MathF.Floor(right) && n + 1 < count;
            if (!leaf && !split)
            {
                return false;
            }
        }

        return true;
    }
}
