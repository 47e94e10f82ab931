namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Explains a scored row by the terms of its score: each term says which inputs drove its part, and the row's
/// explanation weights them by that part's share of the score. A column's expected value comes from the term that
/// drove it most (the reconstruction, or the nearest normal rows), in the column's own units and inside the range it
/// took in training; a categorical column is named only when its category does not go with the rest of the row.
/// </summary>
internal sealed class RowExplainer
{
    private readonly TermBatch _batch;
    private readonly IReadOnlyList<IScoreTerm> _terms;
    private readonly double[][] _termValues;
    private readonly Scaler _scaler;
    private readonly FeatureRanges? _ranges;

    public RowExplainer(TermBatch batch, IReadOnlyList<IScoreTerm> terms, double[][] termValues, Scaler scaler, FeatureRanges? ranges)
    {
        _batch = batch;
        _terms = terms;
        _termValues = termValues;
        _scaler = scaler;
        _ranges = ranges;
    }

    /// <summary>The <paramref name="count"/> columns of <paramref name="row"/> that drove its score most, most first.</summary>
    public FeatureContribution[] Explain(ScoreResult result, int row, int count)
    {
        int sample = result.SampleOfRow[row];
        if (sample < 0 || count <= 0)
        {
            return Array.Empty<FeatureContribution>();
        }

        FeatureEncoding encoding = result.Encoding;
        int terms = _terms.Count;
        var termWeights = new float[terms][];
        Span<double> fraction = stackalloc double[terms];
        Span<double> sums = stackalloc double[terms];
        Weights(sample, termWeights, fraction, sums);
        int columns = encoding.Columns.Length;
        var share = new double[columns];
        var lead = new int[columns];
        for (int c = 0; c < columns; c++)
        {
            // A column's inputs are contiguous: one for a number, one per category for a categorical column.
            int first = encoding.Offsets[c];
            int end = c + 1 < columns ? encoding.Offsets[c + 1] : encoding.Width;
            double best = -1;
            for (int t = 0; t < terms; t++)
            {
                double w = 0;
                if (sums[t] > 0)
                {
                    float[] inputs = termWeights[t];
                    for (int k = first; k < end; k++)
                    {
                        w += fraction[t] * inputs[k] / sums[t];
                    }
                }

                share[c] += w;
                if (w > best)
                {
                    (best, lead[c]) = (w, t);
                }
            }
        }

        var expectations = new TermExpectation?[_terms.Count];
        double[] columnErrors = result.ColumnErrors(row);
        var found = new List<FeatureContribution>(count);
        foreach (int c in ByShare(share))
        {
            TermExpectation expected = expectations[lead[c]] ??= _terms[lead[c]].Expect(_batch, sample);
            FeatureContribution? contribution = Describe(result, row, sample, c, share[c], columnErrors[c], expected);
            if (contribution is not null)
            {
                found.Add(contribution);
                if (found.Count == count)
                {
                    break;
                }
            }
        }

        return found.ToArray();
    }

    /// <summary>
    /// The columns by their share of the score, largest first (on a tie, the earlier column first). A row is explained
    /// by its first few, so they are picked one by one; only a caller that goes further has the rest sorted.
    /// </summary>
    private static IEnumerable<int> ByShare(double[] share)
    {
        const int Picked = 8;
        var taken = new bool[share.Length];
        int picks = Math.Min(Picked, share.Length);
        for (int n = 0; n < picks; n++)
        {
            int best = -1;
            for (int c = 0; c < share.Length; c++)
            {
                if (!taken[c] && (best < 0 || Before(share, c, best) < 0))
                {
                    best = c;
                }
            }

            taken[best] = true;
            yield return best;
        }

        if (picks == share.Length)
        {
            yield break;
        }

        int[] rest = Enumerable.Range(0, share.Length).Where(c => !taken[c]).ToArray();
        Array.Sort(rest, (a, b) => Before(share, a, b));
        foreach (int c in rest)
        {
            yield return c;
        }
    }

    // Larger share first, then the earlier column.
    private static int Before(double[] share, int a, int b)
    {
        int byShare = share[b].CompareTo(share[a]);
        return byShare != 0 ? byShare : a.CompareTo(b);
    }

    /// <summary>
    /// What an input's weight in the row's score is made of, per term: the term's inputs as it weighs them
    /// (<paramref name="termWeights"/>), its share of the score (<paramref name="fraction"/>) and the sum of its inputs'
    /// weights (<paramref name="sums"/>, 0 for a term that drove nothing). Input k of term t weighs
    /// fraction[t] · termWeights[t][k] / sums[t]: the term's share of the score spread over the inputs that drove it.
    /// </summary>
    private void Weights(int sample, float[][] termWeights, Span<double> fraction, Span<double> sums)
    {
        double total = 0;
        for (int t = 0; t < _terms.Count; t++)
        {
            fraction[t] = Math.Max(0, _terms[t].Contribution(_termValues[t][sample]));
            total += fraction[t];
        }

        int[] samples = { sample };
        for (int t = 0; t < _terms.Count; t++)
        {
            termWeights[t] = _terms[t].FeatureWeights(_batch, samples);
            double sum = 0;
            foreach (float v in termWeights[t])
            {
                sum += v;
            }

            fraction[t] /= total;
            sums[t] = sum > 0 && total > 0 ? sum : 0;
        }
    }

    private FeatureContribution? Describe(ScoreResult result, int row, int sample, int column, double share, double squaredError, TermExpectation expected)
    {
        FeatureEncoding encoding = result.Encoding;
        int input = encoding.Offsets[column];
        object value = result.ValueOf(column, row);
        int step = _batch.PeakSteps is { } peaks ? peaks[(sample * encoding.Width) + input] - (_batch.Window - 1) : 0;
        if (encoding.Categories[column] is not null)
        {
            var indicators = new double[encoding.Width];
            for (int k = 0; k < encoding.Width; k++)
            {
                indicators[k] = encoding.ColumnOf[k] == column ? _scaler.Inverse(expected.Expected[k], k) : 0;
            }

            string category = encoding.ExpectedCategory(column, indicators);

            // A category that goes with the rest of the row explains nothing.
            return Equals(value, category)
                ? null
                : new FeatureContribution(column, encoding.Columns[column], share, squaredError, value, category) { Step = step };
        }

        double? Units(double[]? scaled) => scaled is null ? null : Clamp(_scaler.Inverse(scaled[input], input), input);
        return new FeatureContribution(column, encoding.Columns[column], share, squaredError, value, Units(expected.Expected)!.Value)
        {
            NormalLow = Units(expected.Low),
            NormalHigh = Units(expected.High),
            TrainingMin = _ranges?.Min[input],
            TrainingMax = _ranges?.Max[input],
            Step = step,
        };
    }

    private double Clamp(double value, int input) => _ranges?.Clamp(value, input) ?? value;
}
