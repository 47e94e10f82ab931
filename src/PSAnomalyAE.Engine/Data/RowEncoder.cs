namespace PSAnomalyAE.Engine.Data;

/// <summary>What became of one row read by <see cref="RowEncoder"/>.</summary>
public enum RowStatus
{
    /// <summary>The row's values are in the buffer (missing ones imputed where that was asked for).</summary>
    Read,
    /// <summary>The row had missing values and <see cref="MissingValuePolicy.Skip"/> leaves it out.</summary>
    Skipped,
    /// <summary>The row has a value that cannot be used; the error names the row and column.</summary>
    Invalid,
}

/// <summary>
/// Reads rows into network inputs under a <see cref="MissingValuePolicy"/>, and counts what it skipped and filled:
/// the one place missing values are handled, for training and for scoring.
/// </summary>
public sealed class RowEncoder
{
    private readonly IReadOnlyList<double>? _means;

    /// <param name="encoding">The model's columns.</param>
    /// <param name="policy">What to do with missing values.</param>
    /// <param name="means">
    /// The values to impute: the training means when scoring. Null while training, when the means are those of the
    /// rows themselves and are filled in by <see cref="ImputeColumnMeans(Span{double})"/> once every row has been read.
    /// </param>
    public RowEncoder(FeatureEncoding encoding, MissingValuePolicy policy, IReadOnlyList<double>? means)
    {
        Encoding = encoding;
        Policy = policy;
        _means = means;
    }

    public FeatureEncoding Encoding { get; }

    public MissingValuePolicy Policy { get; }

    /// <summary>Rows that had at least one missing value (skipped or imputed).</summary>
    public int IncompleteRows { get; private set; }

    /// <summary>Values filled in by imputation.</summary>
    public int ImputedValues { get; private set; }

    /// <summary>Reads <paramref name="row"/> into <paramref name="destination"/> (<see cref="FeatureEncoding.Width"/> values).</summary>
    public RowStatus Read(IRow row, long rowNumber, Span<double> destination, out AnomalyDetectionException? error)
    {
        error = Encoding.TryRead(row, rowNumber, destination, Policy, out int missing);
        if (error is not null)
        {
            return RowStatus.Invalid;
        }

        if (missing == 0)
        {
            return RowStatus.Read;
        }

        IncompleteRows++;
        if (Policy == MissingValuePolicy.Skip)
        {
            return RowStatus.Skipped;
        }

        if (_means is not null)
        {
            ImputedValues += FeatureSchema.Impute(destination, _means);
        }

        return RowStatus.Read;
    }

    /// <summary>Training: fills the missing values of all rows read with the column means of those rows.</summary>
    public void ImputeColumnMeans(Span<double> data)
    {
        if (Policy == MissingValuePolicy.Impute && IncompleteRows > 0)
        {
            ImputedValues += FeatureSchema.Impute(data, FeatureSchema.ColumnMeans(data, Encoding.Width));
        }
    }

    /// <summary>Training: as <see cref="ImputeColumnMeans(Span{double})"/> for rows held in blocks.</summary>
    public void ImputeColumnMeans(TrainingRows rows)
    {
        if (Policy == MissingValuePolicy.Impute && IncompleteRows > 0)
        {
            double[] means = rows.ColumnMeans();
            for (int i = 0; i < rows.Count; i++)
            {
                ImputedValues += FeatureSchema.Impute(rows[i], means);
            }
        }
    }

    /// <summary>Training: counts <paramref name="values"/> imputed with the column means elsewhere (rows read again from a file, imputed as they are read).</summary>
    internal void CountImputed(int values) => ImputedValues += values;

    /// <summary>The warning to show once all rows are read, or null when every row was complete.</summary>
    public string? Summary(string imputedFrom) => IncompleteRows == 0
        ? null
        : Policy == MissingValuePolicy.Skip
            ? $"Skipped {IncompleteRows} row(s) with missing values."
            : $"Imputed {ImputedValues} missing value(s) in {IncompleteRows} row(s) with {imputedFrom}.";

    /// <summary>
    /// The one error for training rows whose first ones all failed to read (<paramref name="held"/>, in order):
    /// it quotes the first problem instead of one error per row.
    /// </summary>
    public static AnomalyDetectionException NothingTrained(IReadOnlyList<AnomalyDetectionException> held)
    {
        AnomalyDetectionException first = held[0];
        return new AnomalyDetectionException(
            first.Kind,
            $"{(held.Count == 1 ? "The only row" : $"The first {held.Count} rows")} could not be read, so nothing was trained. {first.Message}")
        {
            RowNumber = first.RowNumber,
            Column = first.Column,
            RecommendedAction = "Check the feature columns (-Property, -ExcludeProperty, -CategoricalProperty) and the values in them.",
        };
    }
}
