using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// The distance to the nearest training rows. It keeps a bounded, seeded sample of the training samples, and of the
/// held-out ones when a sample is one row (at most <see cref="ModelDefaults.NeighbourSample"/>, in the network's input
/// space: scaled, projected by PCA when the model has it, a whole window per sample), and the median distance of the
/// held-out rows, each measured without itself. A sample's value is d, the mean Euclidean distance to its
/// <see cref="K"/> nearest reference samples; its contribution to the score is d / median, 1 for a typical normal row.
/// </summary>
/// <remarks>
/// Why the distance: an autoencoder reconstructs well whatever lies near the manifold of the normal rows, including
/// rows in regions where normal rows are rare; the distance to the nearest training rows sees those, the
/// reconstruction sees rows off the manifold. On the 18 labelled tabular sets the sum ranks anomalies better than the
/// reconstruction alone, and the distance alone a little better still; on the NAB series with windows the sum lifts
/// the reconstruction alone by 0.04 (BENCHMARKS.md, Detection).
/// </remarks>
public sealed class NeighbourTerm : IScoreTerm
{
    public const string TermName = "NeighbourDistance";

    /// <summary>
    /// Rows per distance pass. A pass writes a rows × sample matrix of floats (400 KB for 1,600 samples), which stays
    /// in the core's cache while the search reads it; the matrix is allocated once per call and reused pass after pass.
    /// </summary>
    private const int Chunk = 64;

    /// <summary>Passes each core must get before the distances are split among the cores (starting a worker costs about a pass).</summary>
    private const int MinPassesPerWorker = 8;

    /// <summary>A sample of at most this many values (4 KB) is worked on in stack memory when a row is explained.</summary>
    private const int MaxStackWidth = 512;

    private const string ReferenceName = "reference";
    private const string KName = "K";

    public NeighbourTerm(float[] reference, int width, int k, double median)
    {
        if (width < 1 || reference.Length == 0 || reference.Length % width != 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The neighbour sample's size does not match its width.");
        }

        if (k < 1 || !TermTraining.Usable(median))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The neighbour term's settings are out of range.");
        }

        Reference = reference;
        Width = width;
        K = Math.Min(k, reference.Length / width);
        Median = median;
    }

    public string Name => TermName;

    /// <summary>The reference samples, row-major, <see cref="Width"/> values each.</summary>
    public float[] Reference { get; }

    /// <summary>
    /// The search's weights for <see cref="Reference"/> (see <see cref="SearchWeights"/>), made on first use; threads
    /// scoring with one model at once may each make them, and all make the same.
    /// </summary>
    private float[] Weights => _weights ??= SearchWeights(Reference, Width);

    private float[]? _weights;

    public int Width { get; }

    public int Count => Reference.Length / Width;

    /// <summary>Neighbours whose distances are averaged.</summary>
    public int K { get; }

    /// <summary>The median neighbour distance of the held-out rows.</summary>
    public double Median { get; }

    /// <summary>
    /// Builds the term from a seeded sample of the training and held-out samples, its median from the held-out ones;
    /// null when there are no samples of either kind, or the median is 0 (the held-out rows lie on their neighbours).
    /// </summary>
    public static IScoreTerm? Fit(TermTraining training)
    {
        int width = training.SampleSize;
        int trainCount = training.TrainCount;
        int heldCount = training.HeldOut.Count;
        if (trainCount == 0 || heldCount == 0)
        {
            return null;
        }

        // Rows without windows are independent, so the held-out ones join the reference too: a new row is then measured
        // against every normal row the model was given, and each held-out row against all of them but itself (its
        // value as a new row close to it would see). Held-out windows overlap one another, so a windowed model's
        // reference is drawn from the training windows alone.
        bool joined = training.HeldOut.Window == 1;
        int take = Math.Min(trainCount + (joined ? heldCount : 0), ModelDefaults.NeighbourSample);
        (float[] reference, int[]? self) = joined ? training.SampleTrainingAndHeldOut(take) : (training.SampleTraining(take), null);
        int k = Math.Min(ModelDefaults.NeighbourCount, joined ? take - 1 : take);
        float[] weights = SearchWeights(reference, width);
        double[] heldOut = Distances(reference, weights, width, k, training.HeldOut.Samples, heldCount, exclude: self);
        return training.Calibrated(heldOut, median => new NeighbourTerm(reference, width, k, median) { _weights = weights });
    }

    public static IScoreTerm Restore(ScoreTermState state, TermBatchShape shape)
    {
        WeightTensor reference = state.Tensor(ReferenceName);
        if (reference.Shape.Length != 2 || reference.Shape[1] != shape.SampleSize)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's neighbour sample and network disagree on the sample size.");
        }

        double k = state.Setting(KName);
        return new NeighbourTerm(reference.Data, (int)reference.Shape[1], k is >= 1 and <= int.MaxValue ? (int)k : 0, state.RequireMedian());
    }

    /// <summary>
    /// The mean distance of each sample to its <see cref="K"/> nearest reference samples. Which samples those are is
    /// noted on the batch, for explaining its rows.
    /// </summary>
    public double[] Measure(TermBatch batch)
    {
        var nearest = new int[batch.Count * K];
        double[] distances = Distances(Reference, Weights, Width, K, batch.Samples, batch.Count, nearest, batch.Cores);
        batch.Notes[this] = nearest;
        return distances;
    }

    /// <summary>The mean distance of each of <paramref name="count"/> samples to its <see cref="K"/> nearest reference samples.</summary>
    public double[] Distances(float[] samples, int count) => Distances(Reference, Weights, Width, K, samples, count);

    public double Contribution(double value) => value / Median;

    /// <summary>
    /// Per input, the squared difference between the sample and the mean of its <see cref="K"/> nearest reference
    /// samples: what sets the row apart from the normal rows nearest to it.
    /// </summary>
    public float[] FeatureWeights(TermBatch batch, int[] samples)
    {
        var weights = new float[samples.Length * batch.Width];
        Span<double> difference = Width <= MaxStackWidth ? stackalloc double[Width] : new double[Width];
        for (int i = 0; i < samples.Length; i++)
        {
            ReadOnlySpan<int> nearest = Nearest(batch, samples[i]);
            ReadOnlySpan<float> x = batch.Samples.AsSpan(samples[i] * Width, Width);
            for (int j = 0; j < Width; j++)
            {
                double mean = 0;
                foreach (int r in nearest)
                {
                    mean += Reference[(r * Width) + j];
                }

                difference[j] = x[j] - (mean / nearest.Length);
            }

            batch.AddInputSquares(difference, weights.AsSpan(i * batch.Width, batch.Width));
        }

        return weights;
    }

    /// <summary>
    /// The mean of the nearest reference samples' last rows, and the lowest and highest value of each input among
    /// them: real normal rows, so every value lies in what the training rows took.
    /// </summary>
    public TermExpectation Expect(TermBatch batch, int sample)
    {
        ReadOnlySpan<int> nearest = Nearest(batch, sample);
        int net = batch.NetWidth;
        var mean = new double[batch.Width];
        var low = new double[batch.Width];
        var high = new double[batch.Width];
        Array.Fill(low, double.PositiveInfinity);
        Array.Fill(high, double.NegativeInfinity);
        foreach (int r in nearest)
        {
            // The neighbour's last row, mapped back from the PCA components when the network reads them.
            ReadOnlySpan<float> step = Reference.AsSpan((r * Width) + ((batch.Window - 1) * net), net);
            ReadOnlySpan<float> row = batch.Pca is { } pca ? pca.Reconstruct(step, 1) : step;
            for (int j = 0; j < batch.Width; j++)
            {
                mean[j] += row[j] / (double)nearest.Length;
                low[j] = Math.Min(low[j], row[j]);
                high[j] = Math.Max(high[j], row[j]);
            }
        }

        return new TermExpectation(mean, low, high);
    }

    /// <summary>The sample's nearest reference samples: as noted when the batch was measured (read in place), or searched now.</summary>
    private ReadOnlySpan<int> Nearest(TermBatch batch, int sample)
    {
        if (batch.Notes.TryGetValue(this, out object? noted) && noted is int[] all && all.Length == batch.Count * K)
        {
            return all.AsSpan(sample * K, K);
        }

        ReadOnlySpan<float> x = batch.Samples.AsSpan(sample * Width, Width);
        var distances = new double[Count];
        for (int r = 0; r < Count; r++)
        {
            double sum = 0;
            for (int j = 0; j < Width; j++)
            {
                double d = (double)x[j] - Reference[(r * Width) + j];
                sum += d * d;
            }

            distances[r] = sum;
        }

        return Enumerable.Range(0, Count).OrderBy(r => distances[r]).ThenBy(r => r).Take(K).ToArray();
    }

    public ScoreTermState Save() => new(
        TermName,
        Median,
        new Dictionary<string, double> { [KName] = K },
        new[] { new WeightTensor(ReferenceName, new long[] { Count, Width }, Reference) });

    /// <summary>
    /// Each sample's mean distance to its <paramref name="k"/> nearest reference samples. Large counts are split at
    /// pass boundaries among the machine's cores, one intra-op thread each: every pass is computed as it would be
    /// alone, so the result is the same to the last bit on any number of cores.
    /// <paramref name="exclude"/> gives, per sample, a reference sample its search passes over (itself), or -1.
    /// </summary>
    private static double[] Distances(float[] reference, float[] weights, int width, int k, float[] samples, int count, int[]? nearestIndexes = null, int cores = 0, int[]? exclude = null)
    {
        var result = new double[count];
        int passes = (count + Chunk - 1) / Chunk;
        int workers = Math.Min(cores > 0 ? cores : Environment.ProcessorCount, passes / MinPassesPerWorker);
        if (workers <= 1)
        {
            DistanceRange(reference, weights, width, k, samples, 0, count, result, nearestIndexes, exclude);
            return result;
        }

        int per = (passes + workers - 1) / workers;
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                int from = w * per * Chunk, to = Math.Min(count, (w + 1) * per * Chunk);
                if (from < to)
                {
                    using var threads = TorchRuntime.UseThreads(1);
                    DistanceRange(reference, weights, width, k, samples, from, to, result, nearestIndexes, exclude);
                }
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }

        return result;
    }

    /// <summary>
    /// The reference samples as the search multiplies them: ||r||² - 2 x·r as one product, each row gaining a last
    /// input of 1 and each reference sample's column becoming -2 r with ||r||² below it ((width + 1) × count, row-major).
    /// Made once per term by libtorch's kernels, so every product reads the same weights to the last bit.
    /// </summary>
    private static float[] SearchWeights(float[] reference, int width)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        int count = reference.Length / width;
        Tensor refs = torch.tensor(reference, new long[] { count, width });
        Tensor weights = torch.cat(new[] { refs.t().mul(HeldScalars.MinusTwo), refs.pow(HeldScalars.Two).sum(1).unsqueeze(0) }, 0).contiguous();
        return MemoryMarshal.Cast<byte, float>(weights.bytes).ToArray();
    }

    /// <summary>The distances of samples <paramref name="from"/> (a pass boundary) to <paramref name="to"/>, into <paramref name="result"/>.</summary>
    /// <remarks>
    /// The search runs in single precision: per row, the reference samples are ranked on ||r||² - 2 x·r (||x||² is the
    /// same for all of them), one fused product over the rows × sample matrix, and the <see cref="Candidates"/> lowest
    /// are kept. Their squared distances are then computed exactly, in double precision from the stored values, and
    /// the <paramref name="k"/> nearest of them averaged. Only which samples are nearest comes from the product, so a
    /// row's distance does not depend on how the matrix kernels round it, and the float product's error (about 1e-7 of
    /// the squared norms) could only swap two neighbours closer than that, which moves the mean by as little.
    /// </remarks>
    private static void DistanceRange(float[] reference, float[] searchWeights, int width, int k, float[] samples, int from, int to, double[] result, int[]? nearestIndexes, int[]? exclude)
    {
        if (from >= to)
        {
            return;
        }

        int count = reference.Length / width;
        int candidates = Candidates(k, count);
        // One pass's product, written in place pass after pass into a pooled array: a product allocated each call
        // (every batch of the pipeline) was mapped afresh by the allocator and cost a page fault per 4 KB.
        float[] product = ArrayPool<float>.Shared.Rent(Chunk * count);
        try
        {
            DistancePasses(reference, searchWeights, width, k, candidates, samples, from, to, product, result, nearestIndexes, exclude);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(product);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void DistancePasses(float[] reference, float[] searchWeights, int width, int k, int candidates, float[] samples, int from, int to, float[] product, double[] result, int[]? nearestIndexes, int[]? exclude)
    {
        // The tensors read and write the arrays themselves (pinned while they live); the scope ends them before the
        // product's array goes back to the pool.
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        int count = reference.Length / width;
        Tensor weights = torch.frombuffer(searchWeights, ScalarType.Float32).view(width + 1, count);
        Tensor x = torch.ones(new long[] { Chunk, width + 1 }, ScalarType.Float32);
        Tensor partial = torch.frombuffer(product, ScalarType.Float32, Chunk * count).view(Chunk, count);
        var keptValues = new float[Chunk * candidates];
        var keptIndexes = new int[Chunk * candidates];
        var exact = new double[candidates];
        var order = new int[candidates];
        for (int start = from; start < to; start += Chunk)
        {
            int len = Math.Min(Chunk, to - start);
            Span<float> rows = MemoryMarshal.Cast<byte, float>(x.bytes);
            for (int i = 0; i < Chunk; i++)
            {
                // A short last pass is padded with zero rows; which rows are nearest does not depend on them.
                Span<float> inputs = rows.Slice(i * (width + 1), width);
                if (i < len)
                {
                    samples.AsSpan((start + i) * width, width).CopyTo(inputs);
                }
                else
                {
                    inputs.Clear();
                }
            }

            partial.addmm_(x, weights, 0, 1); // beta 0: the product's last contents are not read
            Smallest<float>(product.AsSpan(0, Chunk * count), count, candidates, keptValues, keptIndexes);
            for (int i = 0; i < len; i++)
            {
                ReadOnlySpan<float> row = samples.AsSpan((start + i) * width, width);
                Span<int> found = keptIndexes.AsSpan(i * candidates, candidates);
                int skip = exclude is null ? -1 : exclude[start + i];
                int kept = 0;
                for (int c = 0; c < candidates; c++)
                {
                    if (found[c] == skip)
                    {
                        continue;
                    }

                    // In order of exact distance, equal ones in reference order, as a sort would give them.
                    double d = SquaredDistance(row, reference.AsSpan(found[c] * width, width));
                    int at = kept++;
                    for (; at > 0 && (d < exact[at - 1] || (d == exact[at - 1] && found[c] < order[at - 1])); at--)
                    {
                        exact[at] = exact[at - 1];
                        order[at] = order[at - 1];
                    }

                    exact[at] = d;
                    order[at] = found[c];
                }

                double sum = 0;
                for (int c = 0; c < k; c++)
                {
                    sum += Math.Sqrt(exact[c]);
                }

                result[start + i] = sum / k;
                if (nearestIndexes is not null)
                {
                    order.AsSpan(0, k).CopyTo(nearestIndexes.AsSpan((start + i) * k, k));
                }
            }
        }
    }

    /// <summary>
    /// Reference samples ranked by the float product and kept for the exact distance: a few beyond <paramref name="k"/>,
    /// so that a near tie at the k-th cannot drop a nearer one, and a sample passing over itself still keeps k.
    /// </summary>
    private static int Candidates(int k, int count) => Math.Min(count, k + 3);

    /// <summary>The squared Euclidean distance in double precision (NaN when a value is NaN: the row's distance is then NaN, as its score).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = (double)a[j] - b[j];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>
    /// Per row of <paramref name="matrix"/> (rows of <paramref name="columns"/> values), its <paramref name="k"/>
    /// smallest values in ascending order and their columns, as libtorch's topk gives them (equal values in column
    /// order; NaN above every number), found in one or two passes over the row instead of a partial sort.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Smallest<T>(ReadOnlySpan<T> matrix, int columns, int k, Span<T> values, Span<int> indexes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = matrix.Length / columns;
        int lanes = Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256.IsHardwareAccelerated ? Vector256<T>.Count : 1;
        // The bound's minima: at least four per value sought, in whole 256-bit vectors (wider ones gained nothing
        // measurable); rows too short for two of each minimum's values are searched in one pass.
        int strandLanes = Vector256<T>.Count;
        int minimaCount = (((4 * k) + strandLanes - 1) / strandLanes) * strandLanes;
        bool bounded = Vector256.IsHardwareAccelerated && k <= MaxBoundedK && columns >= 2 * minimaCount;
        Span<T> minima = bounded ? stackalloc T[minimaCount] : default;
        Span<T> lowest = bounded ? stackalloc T[k] : default;
        Span<int> unused = bounded ? stackalloc int[k] : default;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = matrix.Slice(r * columns, columns);
            Span<T> best = values.Slice(r * k, k);
            Span<int> at = indexes.Slice(r * k, k);
            if (!bounded || !SmallestUnderBound(row, k, minima, lowest, unused, best, at))
            {
                SmallestInOnePass(row, k, lanes, best, at);
            }
        }
    }

    /// <summary>The largest <c>k</c> searched with a bound first (its minima are kept on the stack).</summary>
    private const int MaxBoundedK = 64;

    /// <summary>
    /// The k smallest of <paramref name="row"/> in two vector passes. The first takes the minima of
    /// <paramref name="minima"/>.Length interleaved strands of columns (column c belongs to strand c mod their count);
    /// each is a value of the row from its own columns, so the k-th smallest of them bounds the row's k-th smallest
    /// from above. The second visits, in column order, only the values at or below that bound (8.9 a row on average
    /// for k = 8 among 1,600 values in random order), so a row of thousands costs two streaming passes and about k
    /// insertions, where one pass with a falling limit mispredicts a branch at every value that lowers it. False,
    /// with nothing written, when fewer than k strands have a number as their minimum (NaN everywhere else).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool SmallestUnderBound<T>(ReadOnlySpan<T> row, int k, Span<T> minima, Span<T> lowest, Span<int> unused, Span<T> best, Span<int> at)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        StrandMinima(row, minima);
        int filled = 0;
        foreach (T m in minima)
        {
            if (filled < k)
            {
                Insert(m, 0, lowest, unused, filled++);
            }
            else if (Below(m, lowest[k - 1]))
            {
                Insert(m, 0, lowest, unused, k - 1);
            }
        }

        T limit = lowest[k - 1];
        if (T.IsNaN(limit))
        {
            return false;
        }

        // At least k values are at or below the bound, so NaN (never at or below it) cannot be among the k smallest.
        TakeAtMost(row, limit, k, best, at);
        return true;
    }

    /// <summary>The k smallest of <paramref name="row"/> in one pass, blocks of values above the k-th smallest so far passed over at once.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void SmallestInOnePass<T>(ReadOnlySpan<T> row, int k, int lanes, Span<T> best, Span<int> at)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int columns = row.Length;
        int filled = 0, c = 0;
        for (; c < k; c++)
        {
            Insert(row[c], c, best, at, filled++);
        }

        // Most values are above the k-th smallest so far: whole blocks of them are passed over at once, with one
        // test for four vectors.
        int block = 4 * lanes;
        while (!T.IsNaN(best[k - 1]) && c + block <= columns)
        {
            if (AnyBelow(row.Slice(c, block), best[k - 1]))
            {
                // Only the lanes below the limit are visited, in column order; the limit falls as values go in.
                for (int v = c; v < c + block; v += lanes)
                {
                    for (ulong mask = BelowMask(row.Slice(v, lanes), best[k - 1]); mask != 0; mask &= mask - 1)
                    {
                        int j = v + BitOperations.TrailingZeroCount(mask);
                        if (row[j] < best[k - 1])
                        {
                            Insert(row[j], j, best, at, k - 1);
                        }
                    }
                }
            }

            c += block;
        }

        for (; c < columns; c++)
        {
            if (Below(row[c], best[k - 1]))
            {
                Insert(row[c], c, best, at, k - 1);
            }
        }
    }

    /// <summary>Value <paramref name="v"/> of column <paramref name="c"/>, met in column order: kept while fewer than k are, or when below the k-th kept.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Take<T>(T v, int c, int k, Span<T> best, Span<int> at, ref int filled)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (filled < k)
        {
            Insert(v, c, best, at, filled++);
        }
        else if (v < best[k - 1])
        {
            Insert(v, c, best, at, k - 1);
        }
    }

    /// <summary>
    /// Each strand's minimum over the whole groups of <paramref name="minima"/>.Length columns of
    /// <paramref name="row"/>. Where NaN meets a number the result may be either, so a strand's result is NaN or one
    /// of its own values, which is all the bound needs.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void StrandMinima<T>(ReadOnlySpan<T> row, Span<T> minima)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int strands = minima.Length;
        int whole = row.Length / strands * strands;
        ref T first = ref MemoryMarshal.GetReference(row);
        ref T m = ref MemoryMarshal.GetReference(minima);
        for (int v = 0; v < strands; v += Vector256<T>.Count)
        {
            // Two running minima (even and odd groups) so that each waits on the other's latency less.
            Vector256<T> a = Vector256.LoadUnsafe(ref first, (nuint)v), b = a;
            int g = strands;
            for (; g + strands < whole; g += 2 * strands)
            {
                a = Lower(a, Vector256.LoadUnsafe(ref first, (nuint)(g + v)));
                b = Lower(b, Vector256.LoadUnsafe(ref first, (nuint)(g + strands + v)));
            }

            if (g < whole)
            {
                a = Lower(a, Vector256.LoadUnsafe(ref first, (nuint)(g + v)));
            }

            Lower(a, b).StoreUnsafe(ref m, (nuint)v);
        }
    }

    /// <summary>
    /// Per lane, <paramref name="v"/> where it is below <paramref name="a"/>, else <paramref name="a"/>: a compare and
    /// a blend, where Vector256.Min's NaN and signed-zero rules cost two more dependent instructions.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Lower<T>(Vector256<T> a, Vector256<T> v)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector256.ConditionalSelect(Vector256.LessThan(v, a), v, a);

    /// <summary>The values of <paramref name="row"/> at or below <paramref name="limit"/>, at least k of them, taken in column order into the k smallest.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void TakeAtMost<T>(ReadOnlySpan<T> row, T limit, int k, Span<T> best, Span<int> at)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T first = ref MemoryMarshal.GetReference(row);
        int filled = 0, c = 0;
        Vector256<T> l = Vector256.Create(limit);
        for (; c + Vector256<T>.Count <= row.Length; c += Vector256<T>.Count)
        {
            for (uint mask = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref first, (nuint)c), l).ExtractMostSignificantBits(); mask != 0; mask &= mask - 1)
            {
                int j = c + BitOperations.TrailingZeroCount(mask);
                Take(row[j], j, k, best, at, ref filled);
            }
        }

        for (; c < row.Length; c++)
        {
            if (row[c] <= limit)
            {
                Take(row[c], c, k, best, at, ref filled);
            }
        }
    }

    /// <summary>True when a value of <paramref name="values"/> (four vectors) is below <paramref name="limit"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool AnyBelow<T>(ReadOnlySpan<T> values, T limit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T first = ref MemoryMarshal.GetReference(values);
        if (Vector512.IsHardwareAccelerated && values.Length == 4 * Vector512<T>.Count)
        {
            Vector512<T> l = Vector512.Create(limit);
            Vector512<T> below = Vector512.LessThan(Vector512.LoadUnsafe(ref first), l) | Vector512.LessThan(Vector512.LoadUnsafe(ref first, (nuint)Vector512<T>.Count), l)
                | Vector512.LessThan(Vector512.LoadUnsafe(ref first, (nuint)(2 * Vector512<T>.Count)), l) | Vector512.LessThan(Vector512.LoadUnsafe(ref first, (nuint)(3 * Vector512<T>.Count)), l);
            return below != Vector512<T>.Zero;
        }

        if (Vector256.IsHardwareAccelerated && values.Length == 4 * Vector256<T>.Count)
        {
            Vector256<T> l = Vector256.Create(limit);
            Vector256<T> below = Vector256.LessThan(Vector256.LoadUnsafe(ref first), l) | Vector256.LessThan(Vector256.LoadUnsafe(ref first, (nuint)Vector256<T>.Count), l)
                | Vector256.LessThan(Vector256.LoadUnsafe(ref first, (nuint)(2 * Vector256<T>.Count)), l) | Vector256.LessThan(Vector256.LoadUnsafe(ref first, (nuint)(3 * Vector256<T>.Count)), l);
            return below != Vector256<T>.Zero;
        }

        return BelowMask(values, limit) != 0;
    }

    /// <summary>A bit per value of <paramref name="values"/> (one vector, or at most 64 values), set when it is below <paramref name="limit"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ulong BelowMask<T>(ReadOnlySpan<T> values, T limit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T first = ref MemoryMarshal.GetReference(values);
        if (Vector512.IsHardwareAccelerated && values.Length == Vector512<T>.Count)
        {
            return Vector512.LessThan(Vector512.LoadUnsafe(ref first), Vector512.Create(limit)).ExtractMostSignificantBits();
        }

        if (Vector256.IsHardwareAccelerated && values.Length == Vector256<T>.Count)
        {
            return Vector256.LessThan(Vector256.LoadUnsafe(ref first), Vector256.Create(limit)).ExtractMostSignificantBits();
        }

        ulong mask = 0;
        for (int i = 0; i < values.Length; i++)
        {
            mask |= values[i] < limit ? 1UL << i : 0;
        }

        return mask;
    }

    /// <summary>Puts <paramref name="v"/> (column <paramref name="c"/>) in order into <paramref name="best"/>, whose slot <paramref name="free"/> it may take.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Insert<T>(T v, int c, Span<T> best, Span<int> at, int free)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = free;
        for (; i > 0 && Below(v, best[i - 1]); i--)
        {
            best[i] = best[i - 1];
            at[i] = at[i - 1];
        }

        best[i] = v;
        at[i] = c;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Below<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T> => a < b || (T.IsNaN(b) && !T.IsNaN(a));
}
