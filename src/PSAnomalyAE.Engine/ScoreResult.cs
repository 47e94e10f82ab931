namespace PSAnomalyAE.Engine;

/// <summary>How much one feature contributed to a row's reconstruction error.</summary>
public sealed record FeatureContribution(int Index, string Feature, double Share, double SquaredError, double Value, double Expected)
{
    /// <summary>"High" when the value is above what the model expected, "Low" when below.</summary>
    public string Direction => Value >= Expected ? "High" : "Low";
}

/// <summary>The scores of a batch of rows.</summary>
public sealed class ScoreResult
{
    internal ScoreResult(int rows, int width, double[] values, double[] errors, float[] squared, double[] expected)
    {
        Rows = rows;
        Width = width;
        Values = values;
        Errors = errors;
        SquaredErrors = squared;
        Expected = expected;
    }

    public int Rows { get; }

    public int Width { get; }

    /// <summary>The input values, row-major, in the columns' own units.</summary>
    public double[] Values { get; }

    /// <summary>Per-row reconstruction error: the mean squared error over the features, in scaled units.</summary>
    public double[] Errors { get; }

    /// <summary>Per-feature squared errors in scaled units, row-major.</summary>
    public float[] SquaredErrors { get; }

    /// <summary>The reconstruction in the columns' own units, row-major: what the model expected each value to be.</summary>
    public double[] Expected { get; }

    /// <summary>The <paramref name="count"/> features of row <paramref name="row"/> with the largest share of its error.</summary>
    public FeatureContribution[] TopFeatures(int row, IReadOnlyList<string> names, int count)
    {
        int offset = row * Width;
        double total = 0;
        for (int j = 0; j < Width; j++)
        {
            total += SquaredErrors[offset + j];
        }

        return Enumerable.Range(0, Width)
            .OrderByDescending(j => SquaredErrors[offset + j])
            .ThenBy(j => j)
            .Take(Math.Max(0, count))
            .Select(j => new FeatureContribution(
                j,
                names[j],
                total > 0 ? SquaredErrors[offset + j] / total : 0,
                SquaredErrors[offset + j],
                Values[offset + j],
                Expected[offset + j]))
            .ToArray();
    }
}
