using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Anomalies made from the training rows (scaled, one row per sample), of the four kinds of the ADBench study, for
/// judging candidate scores without labels. Each is built around the training rows' own structure, from a seeded sample
/// of them:
/// <list type="bullet">
/// <item><b>Local</b>: a training row a, moved by √2·(b − c) where b and c are two of a's 10 nearest sampled rows. Near a,
/// the added part has about twice the spread of a's neighbourhood, so the points scatter with about 5 times its
/// variance, as a Gaussian mixture's component with its covariance ×5.</item>
/// <item><b>Cluster</b>: the mean m of a's 10 nearest rows moved to 5·m, with a's offset from m: a cluster shifted as a
/// mixture component whose mean is ×5.</item>
/// <item><b>Global</b>: each column uniform over the training range widened ×1.1 about its centre.</item>
/// <item><b>Dependency</b>: each column taken from a different random training row: every column's own distribution,
/// with the relations between columns broken.</item>
/// </list>
/// </summary>
public static class SyntheticAnomalies
{
    /// <summary>The kinds, in the order <see cref="Make"/> returns them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = new[] { "Local", "Cluster", "Global", "Dependency" };

    /// <summary>Sampled training rows the neighbourhoods of the local and cluster kinds are found among.</summary>
    private const int Pool = 2000;

    private const int Neighbours = 10;

    /// <summary>
    /// <paramref name="perKind"/> anomalies of each kind (<see cref="Kinds"/>), each a row-major array of
    /// <paramref name="width"/> scaled values per row, made from the <paramref name="rows"/> rows of <paramref name="scaled"/>.
    /// </summary>
    public static float[][] Make(float[] scaled, int rows, int width, int perKind, Random rng)
    {
        int[] pool = Draw(rows, Math.Min(rows, Pool), rng);
        int[] anchors = Enumerable.Range(0, perKind).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
        int[][] near = NearestAmong(scaled, width, pool, anchors);

        var local = new float[perKind * width];
        var cluster = new float[perKind * width];
        for (int i = 0; i < perKind; i++)
        {
            int a = anchors[i];
            int b = near[i][rng.Next(near[i].Length)], c = near[i][rng.Next(near[i].Length)];
            for (int j = 0; j < width; j++)
            {
                double x = scaled[(a * width) + j];
                double m = near[i].Average(r => (double)scaled[(r * width) + j]);
                local[(i * width) + j] = (float)(x + (Math.Sqrt(2) * (scaled[(b * width) + j] - scaled[(c * width) + j])));
                cluster[(i * width) + j] = (float)((5 * m) + (x - m));
            }
        }

        return new[] { local, cluster, Global(scaled, rows, width, perKind, rng), Dependency(scaled, rows, width, perKind, rng) };
    }

    private static float[] Global(float[] scaled, int rows, int width, int count, Random rng)
    {
        var low = Enumerable.Repeat(double.PositiveInfinity, width).ToArray();
        var high = Enumerable.Repeat(double.NegativeInfinity, width).ToArray();
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                double v = scaled[(r * width) + j];
                low[j] = Math.Min(low[j], v);
                high[j] = Math.Max(high[j], v);
            }
        }

        var result = new float[count * width];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < width; j++)
            {
                double centre = (low[j] + high[j]) / 2, half = 1.1 * (high[j] - low[j]) / 2;
                result[(i * width) + j] = (float)(centre + (half * ((2 * rng.NextDouble()) - 1)));
            }
        }

        return result;
    }

    private static float[] Dependency(float[] scaled, int rows, int width, int count, Random rng)
    {
        var result = new float[count * width];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < width; j++)
            {
                result[(i * width) + j] = scaled[(rng.Next(rows) * width) + j];
            }
        }

        return result;
    }

    /// <summary><paramref name="take"/> distinct row indices drawn from <paramref name="rows"/>.</summary>
    private static int[] Draw(int rows, int take, Random rng)
    {
        int[] order = Enumerable.Range(0, rows).ToArray();
        for (int i = 0; i < take; i++)
        {
            int j = rng.Next(i, rows);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order[..take];
    }

    /// <summary>For each anchor, its <see cref="Neighbours"/> nearest rows of <paramref name="pool"/> (itself excluded), by one distance product.</summary>
    private static int[][] NearestAmong(float[] scaled, int width, int[] pool, int[] anchors)
    {
        int k = Math.Min(Neighbours, pool.Length - 1);
        if (k < 1)
        {
            return anchors.Select(a => new[] { a }).ToArray();
        }

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor p = torch.tensor(Windows.Gather(scaled, width, 1, pool), new long[] { pool.Length, width }).to_type(ScalarType.Float64);
        Tensor x = torch.tensor(Windows.Gather(scaled, width, 1, anchors), new long[] { anchors.Length, width }).to_type(ScalarType.Float64);
        Tensor d = p.pow(HeldScalars.Two).sum(1).unsqueeze(0).addmm(x, p.t(), 1, -2).contiguous();
        ReadOnlySpan<double> all = MemoryMarshal.Cast<byte, double>(d.bytes);
        var values = new double[anchors.Length * (k + 1)];
        var indexes = new int[anchors.Length * (k + 1)];
        NeighbourTerm.Smallest(all, pool.Length, k + 1, values, indexes);
        return anchors.Select((a, i) => indexes.AsSpan(i * (k + 1), k + 1).ToArray()
            .Select(c => pool[c]).Where(r => r != a).Take(k).ToArray()).ToArray();
    }
}
