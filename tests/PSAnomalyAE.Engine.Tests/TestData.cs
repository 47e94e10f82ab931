using PSAnomalyAE.Engine;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>Rows and data sets for the tests.</summary>
internal static class TestData
{
    /// <summary>A row backed by a dictionary.</summary>
    internal sealed class Row : IRow
    {
        private readonly List<KeyValuePair<string, object?>> _values;

        internal Row(params (string Name, object? Value)[] values)
        {
            _values = values.Select(v => new KeyValuePair<string, object?>(v.Name, v.Value)).ToList();
        }

        public IEnumerable<string> Names => _values.Select(v => v.Key);

        public bool TryGetValue(string name, out object? value)
        {
            foreach (var kv in _values)
            {
                if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = kv.Value;
                    return true;
                }
            }

            value = null;
            return false;
        }
    }

    /// <summary><paramref name="rows"/> rows of <paramref name="width"/> features driven by <paramref name="rank"/> latent factors plus small noise.</summary>
    internal static double[] LowRank(int rows, int width, int rank, double noise, int seed)
    {
        var rng = new Random(seed);
        var mix = new double[rank, width];
        for (int k = 0; k < rank; k++)
        {
            for (int j = 0; j < width; j++)
            {
                mix[k, j] = Gauss(rng);
            }
        }

        var data = new double[rows * width];
        var z = new double[rank];
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < rank; k++)
            {
                z[k] = Gauss(rng);
            }

            for (int j = 0; j < width; j++)
            {
                double v = 10 + (3 * j);
                for (int k = 0; k < rank; k++)
                {
                    v += z[k] * mix[k, j];
                }

                data[(i * width) + j] = v + (noise * Gauss(rng));
            }
        }

        return data;
    }

    internal static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    internal static string[] Names(int width) => Enumerable.Range(0, width).Select(j => $"f{j}").ToArray();

    /// <summary>ROC-AUC as the probability that a random anomaly scores above a random normal row (ties count half).</summary>
    internal static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        int i0 = 0;
        while (i0 < order.Length)
        {
            int i1 = i0;
            while (i1 + 1 < order.Length && scores[order[i1 + 1]] == scores[order[i0]])
            {
                i1++;
            }

            double rank = ((i0 + i1) / 2.0) + 1;
            for (int k = i0; k <= i1; k++)
            {
                if (positive[order[k]])
                {
                    rankSum += rank;
                }
            }

            i0 = i1 + 1;
        }

        double nPos = positive.Count(p => p), nNeg = positive.Count - nPos;
        return (rankSum - (nPos * (nPos + 1) / 2)) / (nPos * nNeg);
    }

    /// <summary>The shared data folder beside the repository, or null when it is absent.</summary>
    internal static string? SharedData(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
