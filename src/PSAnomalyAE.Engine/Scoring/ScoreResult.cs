namespace PSAnomalyAE.Engine.Scoring;

/// <summary>The scores of a batch of rows.</summary>
public sealed class ScoreResult
{
    private readonly Lazy<double[]> _expected;

    internal ScoreResult(FeatureEncoding encoding, int rows, double[] values, double[] scores, IReadOnlyList<TermValues> terms, float[] squared, Func<double[]> expected, int[] sampleOfRow)
    {
        SampleOfRow = sampleOfRow;
        Encoding = encoding;
        Rows = rows;
        Width = encoding.Width;
        Values = values;
        Scores = scores;
        Terms = terms;
        SquaredErrors = squared;
        _expected = new Lazy<double[]>(expected);
    }

    public FeatureEncoding Encoding { get; }

    public int Rows { get; }

    /// <summary>Network inputs per row (see <see cref="FeatureEncoding.Names"/>).</summary>
    public int Width { get; }

    /// <summary>The encoded input values, row-major, in the columns' own units.</summary>
    public double[] Values { get; }

    /// <summary>
    /// Per-row score, which thresholds apply to: the sum of the score terms' contributions (<see cref="ScoreTerms"/>).
    /// NaN for a row with no score yet (see <see cref="HasScore"/>); a scored row's score can still be NaN or infinite
    /// when its values overflow the scaler or the network (see <see cref="NonFiniteScore"/>).
    /// </summary>
    public double[] Scores { get; }

    /// <summary>Each score term's raw value per row, in the order the terms are summed; the first is the reconstruction error.</summary>
    public IReadOnlyList<TermValues> Terms { get; private set; }

    /// <summary>Adds a column of per-row values judged after scoring (an adapting stream's likelihood).</summary>
    internal void AddTerm(TermValues term) => Terms = Terms.Append(term).ToArray();

    /// <summary>Per-row reconstruction error: the mean squared error over the network inputs, in scaled units.</summary>
    public double[] ReconstructionErrors => Terms.First(t => t.Name == ReconstructionTerm.TermName).Values;

    /// <summary>Per-input squared errors in scaled units, row-major.</summary>
    public float[] SquaredErrors { get; }

    /// <summary>
    /// The network's reconstruction in the columns' own units, row-major (unclamped; explanations use
    /// <see cref="TopFeatures"/>). Built on first use: scoring does not need it.
    /// </summary>
    public double[] Expected => _expected.Value;

    /// <summary>
    /// False for a row that has no score yet: a model that reads windows of rows scores a row by the window ending at
    /// it, and the rows before the first full window have none. True for every other row, whatever its score.
    /// </summary>
    public bool HasScore(int row) => SampleOfRow[row] >= 0;

    /// <summary>
    /// The error for row <paramref name="row"/> when it was scored but its score (or a term of it) is not a finite
    /// number: NaN or infinite, from values that overflow the scaler or the network, such as values far outside the
    /// training data or a damaged model. Null when the row has a finite score or no score yet. Such a row has no usable
    /// score: it must be reported, never taken for a normal row or for one with no score yet.
    /// </summary>
    public AnomalyDetectionException? NonFiniteScore(int row)
    {
        if (!HasScore(row) || (double.IsFinite(Scores[row]) && TermsFinite(row)))
        {
            return null;
        }

        long number = RowNumbers?[row] ?? row + 1;
        string score = double.IsNaN(Scores[row]) ? "NaN" : double.IsInfinity(Scores[row]) ? "infinite" : "finite, but a term of it is not";
        return new AnomalyDetectionException(
            AnomalyErrorKind.InvalidRow,
            $"Row {number}: the model produced a score that is not a finite number ({score}){Largest(row)}. Its values are likely far outside those the model was trained on, or the model is damaged. The row was not scored.")
        {
            RowNumber = number,
            RecommendedAction = "Check the row's values and units against the training data. If every row fails this way, the model is damaged: import or train it again.",
        };
    }

    /// <summary>The input row numbers of the rows, as they were given to the <see cref="StreamingScorer"/>; null when not from one (row + 1).</summary>
    internal long[]? RowNumbers { get; set; }

    /// <summary>Each row's window among the scored ones (the explainer's sample), or -1 for a row with no score yet.</summary>
    internal int[] SampleOfRow { get; }

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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool TermsFinite(int row)
    {
        foreach (TermValues term in Terms)
        {
            if (!double.IsFinite(term.Values[row]))
            {
                return false;
            }
        }

        return true;
    }

    // Names the row's largest value, which is most often the one that overflowed.
    private string Largest(int row)
    {
        int at = -1;
        for (int k = 0; k < Width; k++)
        {
            double v = Math.Abs(Values[(row * Width) + k]);
            if (at < 0 || v > Math.Abs(Values[(row * Width) + at]))
            {
                at = k;
            }
        }

        return at < 0 ? string.Empty : string.Create(
            System.Globalization.CultureInfo.InvariantCulture, $"; its largest value is {Values[(row * Width) + at]:G6} in '{Encoding.Names[at]}'");
    }

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
