using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Principal component analysis fitted on the scaled training rows, for very wide data: the network sees the
/// leading components, and its reconstruction is mapped back through the same basis, so errors and per-feature
/// contributions are still measured in the original features.
/// </summary>
public sealed class Pca
{
    public Pca(double[] mean, double[] components, int count, double explainedVariance)
    {
        if (count < 1 || mean.Length == 0 || components.Length != count * mean.Length)
        {
            throw new ArgumentException("The PCA basis does not match its mean.");
        }

        Mean = mean;
        Components = components;
        Count = count;
        ExplainedVariance = explainedVariance;
    }

    /// <summary>The training rows' mean, per scaled input.</summary>
    public double[] Mean { get; }

    /// <summary>The components, row-major: <see cref="Count"/> rows of <see cref="Width"/> values, each of unit length.</summary>
    public double[] Components { get; }

    public int Count { get; }

    public int Width => Mean.Length;

    /// <summary>The share of the training rows' variance the kept components explain.</summary>
    public double ExplainedVariance { get; }

    /// <summary>
    /// Fits the basis. <paramref name="components"/> of 1 or more is a count; below 1 it is the share of variance to
    /// keep (0.95 keeps the fewest components that explain 95 %).
    /// </summary>
    public static Pca Fit(float[] scaled, int rows, int width, double components)
    {
        if (!(components > 0))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "PcaComponents must be a count of 1 or more, or a share of variance between 0 and 1.");
        }

        var mean = new double[width];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < width; j++)
            {
                mean[j] += scaled[(i * width) + j];
            }
        }

        for (int j = 0; j < width; j++)
        {
            mean[j] /= Math.Max(1, rows);
        }

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var centered = new float[scaled.Length];
        for (int k = 0; k < scaled.Length; k++)
        {
            centered[k] = (float)(scaled[k] - mean[k % width]);
        }

        Tensor x = torch.tensor(centered, new long[] { rows, width }).to(ScalarType.Float64);
        var (_, s, vh) = torch.linalg.svd(x, fullMatrices: false);
        double[] singular = s.data<double>().ToArray();
        double[] basis = vh.contiguous().data<double>().ToArray();
        double[] variance = singular.Select(v => v * v).ToArray();
        double total = variance.Sum();
        int keep;
        if (components >= 1)
        {
            keep = (int)Math.Round(components);
            if (keep > singular.Length)
            {
                throw new AnomalyDetectionException(
                    AnomalyErrorKind.InvalidArgument,
                    $"PcaComponents {keep} is more than the {singular.Length} components {rows} rows of {width} inputs have.");
            }
        }
        else
        {
            double cumulative = 0;
            keep = 0;
            while (keep < variance.Length && (total == 0 || cumulative / total < components))
            {
                cumulative += variance[keep++];
            }

            keep = Math.Max(1, keep);
        }

        double explained = total > 0 ? variance.Take(keep).Sum() / total : 1;
        return new Pca(mean, basis.Take(keep * width).ToArray(), keep, explained);
    }

    /// <summary>Projects scaled rows (row-major, <see cref="Width"/> wide) onto the components.</summary>
    public float[] Project(ReadOnlySpan<float> scaled, int rows)
    {
        var z = new float[rows * Count];
        for (int i = 0; i < rows; i++)
        {
            for (int c = 0; c < Count; c++)
            {
                double sum = 0;
                for (int j = 0; j < Width; j++)
                {
                    sum += (scaled[(i * Width) + j] - Mean[j]) * Components[(c * Width) + j];
                }

                z[(i * Count) + c] = (float)sum;
            }
        }

        return z;
    }

    /// <summary>Maps component scores back to scaled rows.</summary>
    public float[] Reconstruct(ReadOnlySpan<float> z, int rows)
    {
        var x = new float[rows * Width];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < Width; j++)
            {
                double sum = Mean[j];
                for (int c = 0; c < Count; c++)
                {
                    sum += z[(i * Count) + c] * Components[(c * Width) + j];
                }

                x[(i * Width) + j] = (float)sum;
            }
        }

        return x;
    }

    /// <summary>Maps a difference between component scores (<see cref="Count"/> values) to a difference between scaled rows (<see cref="Width"/>).</summary>
    public void Unproject(ReadOnlySpan<double> difference, Span<double> row)
    {
        for (int j = 0; j < Width; j++)
        {
            double sum = 0;
            for (int c = 0; c < Count; c++)
            {
                sum += difference[c] * Components[(c * Width) + j];
            }

            row[j] = sum;
        }
    }
}
