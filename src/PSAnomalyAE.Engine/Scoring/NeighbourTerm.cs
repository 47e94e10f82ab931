using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// The distance part of a <see cref="ScoreMethod.ReconstructionAndDistance"/> score. It keeps a bounded, seeded sample
/// of the training samples (at most <see cref="ModelDefaults.NeighbourSample"/>, in the network's input space: scaled,
/// projected by PCA when the model has it, a whole window per sample) and the medians of both terms on the held-out
/// rows. A row's score is √(MSE / ErrorMedian) + d / DistanceMedian, d being the mean Euclidean distance to its
/// <see cref="K"/> nearest reference samples. Both terms are 1 for a typical normal row, so the score is about 2 there.
/// </summary>
/// <remarks>
/// Why the distance: an autoencoder reconstructs well whatever lies near the manifold of the normal rows, including
/// rows in regions where normal rows are rare; the distance to the nearest training rows sees those, the
/// reconstruction sees rows off the manifold. On the 18 labelled tabular sets the sum ranks anomalies better than
/// either term alone (BENCHMARKS.md, Detection). The square root keeps the reconstruction term on the scale of a
/// distance (MSE is a squared distance).
/// </remarks>
public sealed class NeighbourTerm
{
    /// <summary>
    /// Rows per distance pass. A pass holds a rows × sample matrix of doubles (1 MB here), which the allocator reuses
    /// from pass to pass; a larger one is mapped afresh each time, and that costs more than the arithmetic: 20,000 rows
    /// of 4 features took 3.7 s in passes of 2,048 rows and 0.2-0.4 s in passes of 64.
    /// </summary>
    private const int Chunk = 64;

    public NeighbourTerm(float[] reference, int width, int k, double errorMedian, double distanceMedian)
    {
        if (width < 1 || reference.Length == 0 || reference.Length % width != 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The neighbour sample's size does not match its width.");
        }

        if (k < 1 || !(errorMedian > 0) || !double.IsFinite(errorMedian) || !(distanceMedian > 0) || !double.IsFinite(distanceMedian))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The neighbour term's settings are out of range.");
        }

        Reference = reference;
        Width = width;
        K = Math.Min(k, reference.Length / width);
        ErrorMedian = errorMedian;
        DistanceMedian = distanceMedian;
    }

    /// <summary>The reference samples, row-major, <see cref="Width"/> values each.</summary>
    public float[] Reference { get; }

    public int Width { get; }

    public int Count => Reference.Length / Width;

    /// <summary>Neighbours whose distances are averaged.</summary>
    public int K { get; }

    /// <summary>The median reconstruction error (MSE) of the held-out rows.</summary>
    public double ErrorMedian { get; }

    /// <summary>The median neighbour distance of the held-out rows.</summary>
    public double DistanceMedian { get; }

    /// <summary>
    /// Builds the term from training samples (<paramref name="trainSamples"/>, <paramref name="width"/> values each) and
    /// the held-out samples' errors, or returns null when there are no held-out samples to take the medians from, or a
    /// median is 0 (every held-out row reconstructed exactly, or lying on its neighbours): then the reconstruction
    /// error alone ranks the rows.
    /// </summary>
    public static NeighbourTerm? Build(float[] trainSamples, int width, float[] heldOutSamples, double[] heldOutErrors, Random rng)
    {
        int trainCount = trainSamples.Length / width;
        int heldCount = heldOutSamples.Length / width;
        if (trainCount == 0 || heldCount == 0)
        {
            return null;
        }

        int take = Math.Min(trainCount, ModelDefaults.NeighbourSample);
        int[] order = Enumerable.Range(0, trainCount).ToArray();
        for (int i = 0; i < take; i++)
        {
            int j = rng.Next(i, trainCount);
            (order[i], order[j]) = (order[j], order[i]);
        }

        Array.Sort(order, 0, take); // keep the training order inside the sample
        var reference = new float[take * width];
        for (int i = 0; i < take; i++)
        {
            Array.Copy(trainSamples, (long)order[i] * width, reference, (long)i * width, width);
        }

        double errorMedian = Median(heldOutErrors);
        if (!(errorMedian > 0) || !double.IsFinite(errorMedian))
        {
            return null;
        }

        int k = Math.Min(ModelDefaults.NeighbourCount, take);
        double distanceMedian = Median(Distances(reference, width, k, heldOutSamples, heldCount));
        return distanceMedian > 0 && double.IsFinite(distanceMedian)
            ? new NeighbourTerm(reference, width, k, errorMedian, distanceMedian)
            : null;
    }

    /// <summary>The mean distance of each of <paramref name="count"/> samples to its <see cref="K"/> nearest reference samples.</summary>
    public double[] Distances(float[] samples, int count) => Distances(Reference, Width, K, samples, count);

    /// <summary>Replaces each reconstruction error in <paramref name="errors"/> by the row's combined score, in place.</summary>
    public void Combine(double[] errors, float[] samples)
    {
        double[] distances = Distances(samples, errors.Length);
        for (int i = 0; i < errors.Length; i++)
        {
            errors[i] = Math.Sqrt(Math.Max(errors[i], 0) / ErrorMedian) + (distances[i] / DistanceMedian);
        }
    }

    private static double[] Distances(float[] reference, int width, int k, float[] samples, int count)
    {
        var result = new double[count];
        if (count == 0)
        {
            return result;
        }

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor refs = torch.tensor(reference, new long[] { reference.Length / width, width }).to_type(ScalarType.Float64);
        Tensor refsT = refs.t().contiguous();
        Tensor refNorms = refs.pow(HeldScalars.Two).sum(1).unsqueeze(0);
        for (int start = 0; start < count; start += Chunk)
        {
            int len = Math.Min(Chunk, count - start);
            using var inner = NewDisposeScope();
            Tensor x = torch.empty(new long[] { len, width }, ScalarType.Float32);
            MemoryMarshal.AsBytes(samples.AsSpan(start * width, len * width)).CopyTo(x.bytes);

            // Squared distance = ||x||² + ||r||² - 2 x·r, in double precision. ||x||² is the same for every reference
            // sample of a row, so the nearest are found on ||r||² - 2 x·r (one fused product over the rows × sample
            // matrix) and ||x||² is added to the k kept values only; clamped at 0 against rounding.
            Tensor xd = x.to_type(ScalarType.Float64);
            Tensor partial = refNorms.addmm(xd, refsT, 1, -2);
            Tensor kept = partial.topk(k, dim: 1, largest: false).values;
            Tensor nearest = kept.add_(xd.pow(HeldScalars.Two).sum(1, keepdim: true), HeldScalars.One)
                .clamp_min_(HeldScalars.Zero).sqrt_().mean(new long[] { 1 });
            MemoryMarshal.Cast<byte, double>(nearest.contiguous().bytes).CopyTo(result.AsSpan(start, len));
        }

        return result;
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
