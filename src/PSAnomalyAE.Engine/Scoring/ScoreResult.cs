namespace PSAnomalyAE.Engine.Scoring;

/// <summary>The scores of a batch of rows.</summary>
public sealed class ScoreResult
{
    internal ScoreResult(FeatureEncoding encoding, int rows, double[] values, double[] scores, IReadOnlyList<TermValues> terms, float[] squared, double[] expected)
    {
        Encoding = encoding;
        Rows = rows;
        Width = encoding.Width;
        Values = values;
        Scores = scores;
        Terms = terms;
        SquaredErrors = squared;
        Expected = expected;
    }

    public FeatureEncoding Encoding { get; }

    public int Rows { get; }

    /// <summary>Network inputs per row (see <see cref="FeatureEncoding.Names"/>).</summary>
    public int Width { get; }

    /// <summary>The encoded input values, row-major, in the columns' own units.</summary>
    public double[] Values { get; }

    /// <summary>Per-row score, which thresholds apply to: the sum of the score terms' contributions (<see cref="ScoreTerms"/>).</summary>
    public double[] Scores { get; }

    /// <summary>Each score term's raw value per row, in the order the terms are summed; the first is the reconstruction error.</summary>
    public IReadOnlyList<TermValues> Terms { get; }

    /// <summary>Per-row reconstruction error: the mean squared error over the network inputs, in scaled units.</summary>
    public double[] ReconstructionErrors => Terms.First(t => t.Name == ReconstructionTerm.TermName).Values;

    /// <summary>Per-input squared errors in scaled units, row-major.</summary>
    public float[] SquaredErrors { get; }

    /// <summary>The reconstruction in the columns' own units, row-major: what the model expected each value to be.</summary>
    public double[] Expected { get; }

    /// <summary>Each input column's squared error for row <paramref name="row"/> (summed over a categorical column's indicators).</summary>
    public double[] ColumnErrors(int row)
    {
        var result = new double[Encoding.Columns.Length];
        for (int k = 0; k < Width; k++)
        {
            result[Encoding.ColumnOf[k]] += SquaredErrors[(row * Width) + k];
        }

        return result;
    }

    /// <summary>The <paramref name="count"/> columns of row <paramref name="row"/> with the largest share of its error.</summary>
    public FeatureContribution[] TopFeatures(int row, int count)
    {
        double[] columns = ColumnErrors(row);
        double total = columns.Sum();
        int offset = row * Width;
        return Enumerable.Range(0, columns.Length)
            .OrderByDescending(c => columns[c])
            .ThenBy(c => c)
            .Take(Math.Max(0, count))
            .Select(c => new FeatureContribution(
                c,
                Encoding.Columns[c],
                total > 0 ? columns[c] / total : 0,
                columns[c],
                ValueOf(c, offset),
                ExpectedOf(c, offset)))
            .ToArray();
    }

    private object ValueOf(int column, int offset)
    {
        int start = Encoding.Offsets[column];
        if (Encoding.Categories[column] is not { } cats)
        {
            return Values[offset + start];
        }

        for (int k = 0; k < cats.Length; k++)
        {
            if (Values[offset + start + k] > 0.5)
            {
                return cats[k];
            }
        }

        return FeatureEncoding.OtherCategory;
    }

    private object ExpectedOf(int column, int offset) =>
        Encoding.Categories[column] is null
            ? Expected[offset + Encoding.Offsets[column]]
            : Encoding.ExpectedCategory(column, Expected.AsSpan(offset, Width));
}
