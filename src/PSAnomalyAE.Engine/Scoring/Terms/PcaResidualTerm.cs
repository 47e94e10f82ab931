using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// The residual of the training samples' principal components: the linear autoencoder beside the network. It keeps the
/// mean and the components (in the network's input space, a whole window per sample) that explain
/// <see cref="ModelDefaults.PcaResidualVariance"/> of the training samples' variance, and the held-out rows' median.
/// A sample's value is r, the mean squared distance from the components' span (per value of the sample); its
/// contribution to the score is √(r / median), 1 for a typical normal row, on the scale of a distance.
/// </summary>
/// <remarks>
/// Why: on wide, strongly correlated data (internetads in BENCHMARKS.md) the linear residual ranks anomalies better than
/// both the network and the distance; on most other sets it is the weakest. It is a candidate of
/// <see cref="ScoreMethod.Auto"/>, never part of a fixed sum.
/// </remarks>
public sealed class PcaResidualTerm : IScoreTerm
{
    public const string TermName = "PcaResidual";

    private const string MeanName = "mean";
    private const string ComponentsName = "components";

    /// <summary>Samples per pass of <see cref="Measure"/>: bounds the native memory of one pass.</summary>
    private const int Chunk = 4096;

    public PcaResidualTerm(float[] mean, float[] components, double median)
    {
        if (mean.Length == 0 || components.Length == 0 || components.Length % mean.Length != 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The PCA-residual term's components do not match its mean.");
        }

        if (!TermTraining.Usable(median))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The PCA-residual term's median is out of range.");
        }

        Mean = mean;
        Components = components;
        Median = median;
    }

    public string Name => TermName;

    /// <summary>The training samples' mean, one value per sample value.</summary>
    public float[] Mean { get; }

    /// <summary>The kept components, row-major, each <see cref="Width"/> values of unit length.</summary>
    public float[] Components { get; }

    public int Width => Mean.Length;

    public int Count => Components.Length / Width;

    /// <summary>The median residual of the held-out rows.</summary>
    public double Median { get; }

    /// <summary>
    /// Fits the components on the training samples (a seeded sample of at most <see cref="ModelDefaults.PcaResidualSample"/>)
    /// and the median on the held-out ones; null when there are none of either, or the components span every held-out
    /// sample (median 0: there is no residual to score by).
    /// </summary>
    public static IScoreTerm? Fit(TermTraining training)
    {
        if (!training.CanFit)
        {
            return null;
        }

        int width = training.SampleSize;
        int trainCount = training.TrainCount;

        int take = Math.Min(trainCount, ModelDefaults.PcaResidualSample);
        float[] rows = take == trainCount ? training.TrainSamples : training.SampleTraining(take);
        Pca pca = Pca.Fit(rows, take, width, ModelDefaults.PcaResidualVariance);
        if (pca.Count >= width)
        {
            return null;
        }

        float[] mean = pca.Mean.Select(v => (float)v).ToArray();
        float[] components = pca.Components.Select(v => (float)v).ToArray();
        double[] heldOut = Residuals(mean, components, training.HeldOut.Samples, training.HeldOut.Count);
        return training.Calibrated(heldOut, median => new PcaResidualTerm(mean, components, median));
    }

    public static IScoreTerm Restore(ScoreTermState state, TermBatchShape shape)
    {
        WeightTensor mean = state.Tensor(MeanName);
        WeightTensor components = state.Tensor(ComponentsName);
        if (mean.Shape is not [long w] || w != shape.SampleSize || components.Shape.Length != 2 || components.Shape[1] != w)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's PCA-residual term and network disagree on the sample size.");
        }

        return new PcaResidualTerm(mean.Data, components.Data, state.RequireMedian());
    }

    public double[] Measure(TermBatch batch) => Residuals(Mean, Components, batch.Samples, batch.Count);

    public double Contribution(double value) => Math.Sqrt(Math.Max(value, 0) / Median);

    /// <summary>Per input, the squared part of the sample the components do not explain.</summary>
    public float[] FeatureWeights(TermBatch batch, int[] samples)
    {
        var weights = new float[samples.Length * batch.Width];
        for (int i = 0; i < samples.Length; i++)
        {
            double[] residual = Residual(batch.Samples.AsSpan(samples[i] * Width, Width), out _);
            batch.AddInputSquares(residual, weights.AsSpan(i * batch.Width, batch.Width));
        }

        return weights;
    }

    /// <summary>The sample's last row as the components reconstruct it.</summary>
    public TermExpectation Expect(TermBatch batch, int sample)
    {
        ReadOnlySpan<float> x = batch.Samples.AsSpan(sample * Width, Width);
        Residual(x, out double[] reconstruction);
        int net = batch.NetWidth;
        var step = new float[net];
        for (int j = 0; j < net; j++)
        {
            step[j] = (float)reconstruction[((batch.Window - 1) * net) + j];
        }

        float[] row = batch.Pca is { } pca ? pca.Reconstruct(step, 1) : step;
        return new TermExpectation(row.Select(v => (double)v).ToArray());
    }

    public ScoreTermState Save() => new(
        TermName,
        Median,
        new Dictionary<string, double>(),
        new[]
        {
            new WeightTensor(MeanName, new long[] { Width }, Mean),
            new WeightTensor(ComponentsName, new long[] { Count, Width }, Components),
        });

    /// <summary>The sample minus its reconstruction from the components; the reconstruction itself in <paramref name="reconstruction"/>.</summary>
    private double[] Residual(ReadOnlySpan<float> x, out double[] reconstruction)
    {
        var centred = new double[Width];
        for (int j = 0; j < Width; j++)
        {
            centred[j] = (double)x[j] - Mean[j];
        }

        reconstruction = new double[Width];
        for (int c = 0; c < Count; c++)
        {
            ReadOnlySpan<float> v = Components.AsSpan(c * Width, Width);
            double z = 0;
            for (int j = 0; j < Width; j++)
            {
                z += centred[j] * v[j];
            }

            for (int j = 0; j < Width; j++)
            {
                reconstruction[j] += z * v[j];
            }
        }

        var residual = new double[Width];
        for (int j = 0; j < Width; j++)
        {
            residual[j] = centred[j] - reconstruction[j];
            reconstruction[j] += Mean[j];
        }

        return residual;
    }

    /// <summary>
    /// Each sample's mean squared residual: (‖x − μ‖² − ‖V(x − μ)‖²) / width, the components V being orthonormal, in
    /// double precision and clamped at 0 against rounding; in passes of <see cref="Chunk"/> samples.
    /// </summary>
    private static double[] Residuals(float[] mean, float[] components, float[] samples, int count)
    {
        int width = mean.Length;
        var result = new double[count];
        if (count == 0)
        {
            return result;
        }

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor mu = torch.tensor(mean, new long[] { 1, width }).to_type(ScalarType.Float64);
        Tensor basisT = torch.tensor(components, new long[] { components.Length / width, width }).to_type(ScalarType.Float64).t();
        Tensor perValue = torch.tensor((double)width);
        for (int start = 0; start < count; start += Chunk)
        {
            int len = Math.Min(Chunk, count - start);
            using var inner = NewDisposeScope();
            Tensor x = torch.tensor(samples.AsSpan(start * width, len * width).ToArray(), new long[] { len, width }).to_type(ScalarType.Float64).sub_(mu);
            Tensor z = x.matmul(basisT);
            Tensor r = x.pow(HeldScalars.Two).sum(1).sub_(z.pow(HeldScalars.Two).sum(1)).clamp_min_(HeldScalars.Zero).div_(perValue);
            MemoryMarshal.Cast<byte, double>(r.contiguous().bytes).CopyTo(result.AsSpan(start, len));
        }

        return result;
    }
}
