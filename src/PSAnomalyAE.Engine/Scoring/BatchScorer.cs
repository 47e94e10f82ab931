using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Scores blocks of scaled rows with a trained network in large chunks (one network call per chunk, no
/// gradients): per-row errors, per-feature errors and the reconstruction in the columns' own units.
/// </summary>
internal static class BatchScorer
{
    internal const int Chunk = 16384;

    /// <summary>
    /// The fewest rows a network call gets. With one to three rows libtorch's matrix products take another kernel,
    /// whose sums round differently (scores differed by up to 6e-7 relative from the same rows in a larger batch), so
    /// a live stream that scores rows one by one would give other last digits than a file scored in one go. Padding
    /// a short call to this many rows keeps that kernel out. On some processors the kernels also round a row
    /// differently by its place in the batch (about 2e-9 relative seen), so a row's reconstruction error agrees across
    /// batches to float precision there, not always to the last bit.
    /// </summary>
    internal const int MinimumRows = 16;

    /// <summary>
    /// Scores <paramref name="rows"/> rows of raw values by <paramref name="terms"/>. With windows, the first
    /// <paramref name="context"/> rows only give context and are not scored; a row's score is that of the window ending
    /// at it, and rows with fewer than WindowSize - 1 rows before them get NaN: they have no score yet. The terms spread
    /// their work over <paramref name="cores"/> cores (0: the machine's), with the same result on any number.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static ScoreResult Score(
        AutoencoderNet net, FeatureEncoding encoding, Scaler scaler, Pca? pca, IReadOnlyList<IScoreTerm> terms, FeatureRanges? ranges, int window, ReadOnlySpan<double> data, int rows, int context, int cores = 0)
    {
        int width = encoding.Width;
        float[] scaled = new float[data.Length];
        scaler.Transform(data, scaled);
        int[] ends = Windows.EndsAmong(context, rows, window);
        TermBatch batch = Reconstruct(net, pca, window, scaled, width, ends);
        if (cores > 0)
        {
            batch.Cores = cores;
        }

        double[][] termValues = ScoreTerms.Measure(terms, batch);
        double[] windowScores = ScoreTerms.Compose(terms, termValues);

        int outRows = rows - context;
        var scores = new double[outRows];
        double[][] values = terms.Select(_ => new double[outRows]).ToArray();
        var perFeature = new float[outRows * width];
        var sampleOfRow = new int[outRows];
        int s = 0;
        for (int r = 0; r < outRows; r++)
        {
            bool scored = s < ends.Length && ends[s] == context + r;
            sampleOfRow[r] = scored ? s : -1;
            scores[r] = scored ? windowScores[s] : double.NaN;
            for (int t = 0; t < terms.Count; t++)
            {
                values[t][r] = scored ? termValues[t][s] : double.NaN;
            }

            for (int j = 0; j < width; j++)
            {
                int k = (r * width) + j;
                perFeature[k] = scored ? batch.SquaredErrors[(s * width) + j] : float.NaN;
            }

            if (scored)
            {
                s++;
            }
        }

        var termColumns = terms.Select((t, i) => new TermValues(t.Name, values[i])).ToArray();
        return new ScoreResult(encoding, outRows, data[(context * width)..].ToArray(), scores, termColumns, perFeature, () => Unscaled(batch.LastRows, scaler, sampleOfRow, width), sampleOfRow)
        {
            Explainer = new RowExplainer(batch, terms, termValues, scaler, ranges),
        };
    }

    /// <summary>Each row's reconstruction in the columns' own units (NaN for a row with no score yet), built when asked for.</summary>
    private static double[] Unscaled(float[] lastRows, Scaler scaler, int[] sampleOfRow, int width)
    {
        var result = new double[sampleOfRow.Length * width];
        for (int r = 0; r < sampleOfRow.Length; r++)
        {
            int s = sampleOfRow[r];
            for (int j = 0; j < width; j++)
            {
                result[(r * width) + j] = s < 0 ? double.NaN : scaler.Inverse(lastRows[(s * width) + j], j);
            }
        }

        return result;
    }

    /// <summary>
    /// Runs the network on the windows ending at <paramref name="ends"/> (rows of <paramref name="scaled"/>,
    /// <paramref name="width"/> wide) and measures what every score term needs: per window its reconstruction error
    /// (the mean squared error over all its values) and each feature's mean squared error over the window's rows, with
    /// the samples the network read and the reconstruction of each window's last row. With
    /// <paramref name="errorsOnly"/> (the held-out rows of training, whose rows are never explained) only the
    /// reconstruction errors are kept: the per-feature errors and last rows are left empty.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static TermBatch Reconstruct(AutoencoderNet net, Pca? pca, int window, float[] scaled, int width, int[] ends, bool errorsOnly = false)
    {
        int rows = scaled.Length / width;
        float[] netRows = pca?.Project(scaled, rows) ?? scaled;
        int netWidth = pca?.Count ?? width;
        bool everyRow = window == 1 && IsEveryRow(ends, rows);
        float[] samples = everyRow ? netRows : Windows.Gather(netRows, netWidth, window, ends); // every row in order: no copy
        float[] recon = Forward(net, samples, ends.Length, window * netWidth);
        if (pca is not null)
        {
            recon = pca.Reconstruct(recon, ends.Length * window);
        }

        var errors = new double[ends.Length];
        var squared = new float[errorsOnly ? 0 : ends.Length * width];
        var last = new float[squared.Length];
        int[]? peaks = window > 1 && !errorsOnly ? new int[ends.Length * width] : null;
        var peak = new double[width];
        for (int s = 0; s < ends.Length; s++)
        {
            double total = 0;
            Array.Clear(peak);
            for (int t = 0; t < window; t++)
            {
                int row = ends[s] - window + 1 + t;
                for (int j = 0; j < width; j++)
                {
                    float y = recon[(((s * window) + t) * width) + j];
                    double d = (double)y - scaled[(row * width) + j];
                    total += d * d;
                    if (errorsOnly)
                    {
                        continue;
                    }

                    squared[(s * width) + j] += (float)(d * d / window);
                    if (peaks is not null && d * d > peak[j])
                    {
                        peak[j] = d * d;
                        peaks[(s * width) + j] = t;
                    }

                    if (t == window - 1)
                    {
                        last[(s * width) + j] = y;
                    }
                }
            }

            errors[s] = total / (window * width);
        }

        return new TermBatch(samples, ends.Length, window, width, pca, errors, squared, last, peaks);
    }

    /// <summary>Whether <paramref name="ends"/> is 0, 1, .. <paramref name="rows"/> - 1: every row, in order.</summary>
    private static bool IsEveryRow(int[] ends, int rows)
    {
        if (ends.Length != rows)
        {
            return false;
        }

        for (int i = 0; i < ends.Length; i++)
        {
            if (ends[i] != i)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The network's output for <paramref name="count"/> samples, in large chunks without gradients. A chunk of fewer
    /// than <see cref="MinimumRows"/> samples is padded with zero rows, whose outputs are dropped.
    /// </summary>
    public static float[] Forward(AutoencoderNet net, float[] samples, int count, int size)
    {
        var output = new float[samples.Length];
        using var noGrad = torch.no_grad();
        for (int start = 0; start < count; start += Chunk)
        {
            int len = Math.Min(Chunk, count - start);
            using var scope = NewDisposeScope();
            Tensor y = net.forward(Rows(samples.AsSpan(start * size, len * size), len, size, MinimumRows)).contiguous();
            MemoryMarshal.Cast<byte, float>(y.bytes)[..(len * size)].CopyTo(output.AsSpan(start * size, len * size));
        }

        return output;
    }

    /// <summary>
    /// A float32 tensor of <paramref name="rows"/> rows of <paramref name="size"/> values from <paramref name="values"/>,
    /// padded with zero rows to <paramref name="minimumRows"/>: libtorch multiplies a matrix of a few rows with another
    /// kernel whose sums round differently, so a fixed least height keeps a row's result the same in any batch.
    /// </summary>
    internal static Tensor Rows(ReadOnlySpan<float> values, int rows, int size, int minimumRows)
    {
        Tensor x = rows < minimumRows
            ? torch.zeros(new long[] { minimumRows, size }, ScalarType.Float32)
            : torch.empty(new long[] { rows, size }, ScalarType.Float32);
        MemoryMarshal.AsBytes(values).CopyTo(x.bytes);
        return x;
    }
}
