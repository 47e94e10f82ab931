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

    /// <summary>The network's reconstruction in the columns' own units, row-major (unclamped; explanations use <see cref="TopFeatures"/>).</summary>
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

    /// <summary>
    /// The <paramref name="count"/> columns that drove row <paramref name="row"/>'s score most, most first, each with
    /// what the model took as normal for it (<see cref="RowExplainer"/>); none for a row with no score yet.
    /// </summary>
    public FeatureContribution[] TopFeatures(int row, int count) => Explainer?.Explain(this, row, count) ?? Array.Empty<FeatureContribution>();

    /// <summary>Explains the rows; set by the scorer that made the result.</summary>
    internal RowExplainer? Explainer { get; init; }

    /// <summary>The value of <paramref name="column"/> in row <paramref name="row"/>: a number, or for a categorical column its category.</summary>
    internal object ValueOf(int column, int row)
    {
        int offset = row * Width;
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
}
