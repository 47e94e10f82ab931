namespace PSAnomalyAE.Engine.Data;

/// <summary>Reading the cells of feature columns as numbers, and filling in the missing ones.</summary>
public static partial class FeatureSchema
{
    /// <summary>
    /// Reads the features of one row into <paramref name="destination"/>. Returns null when every value is a
    /// finite number, otherwise an error naming the row and the first bad column.
    /// </summary>
    public static AnomalyDetectionException? TryRead(IRow row, IReadOnlyList<string> features, long rowNumber, Span<double> destination) =>
        TryRead(row, features, rowNumber, destination, MissingValuePolicy.Error, out _);

    /// <summary>
    /// Reads the features of one row into <paramref name="destination"/>. Under <see cref="MissingValuePolicy.Skip"/>
    /// and <see cref="MissingValuePolicy.Impute"/> a missing value becomes NaN and is counted in
    /// <paramref name="missing"/>; the caller skips the row or fills the NaNs (see <see cref="Impute"/>).
    /// Values that are present but unusable are always errors.
    /// </summary>
    public static AnomalyDetectionException? TryRead(IRow row, IReadOnlyList<string> features, long rowNumber, Span<double> destination, MissingValuePolicy policy, out int missing)
    {
        missing = 0;
        for (int j = 0; j < features.Count; j++)
        {
            string name = features[j];
            if (!row.TryGetValue(name, out object? value))
            {
                return new AnomalyDetectionException(
                    AnomalyErrorKind.MissingFeature,
                    $"Row {rowNumber}: column '{name}' is missing; the model needs it.")
                { RowNumber = rowNumber, Column = name };
            }

            AnomalyDetectionException? problem = ReadNumber(value, name, rowNumber, policy, out destination[j]);
            if (problem is not null)
            {
                return problem;
            }

            if (double.IsNaN(destination[j]))
            {
                missing++;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads one cell of a numeric column. A missing value is NaN under Skip and Impute, an error under Error;
    /// a value that is present but not a finite number is always an error naming the row and column.
    /// </summary>
    public static AnomalyDetectionException? ReadNumber(object? value, string column, long rowNumber, MissingValuePolicy policy, out double result) =>
        Checked(ValueParser.Parse(value, out result), value, column, rowNumber, policy, ref result);

    /// <summary>
    /// Reads one cell of a numeric column from its text (see <see cref="ITextRow"/>), with the same rules and errors
    /// as <see cref="ReadNumber(object?, string, long, MissingValuePolicy, out double)"/>.
    /// </summary>
    public static AnomalyDetectionException? ReadNumber(ReadOnlySpan<char> text, string column, long rowNumber, MissingValuePolicy policy, out double result) =>
        ReadNumber(text, System.Globalization.NumberFormatInfo.InvariantInfo, column, rowNumber, policy, out result);

    /// <summary>Reads one cell's text with the decimal separator of <paramref name="format"/>; otherwise as <see cref="ReadNumber(ReadOnlySpan{char}, string, long, MissingValuePolicy, out double)"/>.</summary>
    public static AnomalyDetectionException? ReadNumber(ReadOnlySpan<char> text, System.Globalization.NumberFormatInfo format, string column, long rowNumber, MissingValuePolicy policy, out double result)
    {
        ValueKind kind = ValueParser.ParseText(text, format, out result);
        return kind == ValueKind.Number ? null : Checked(kind, text.ToString(), column, rowNumber, policy, ref result);
    }

    /// <summary>
    /// What to do about a missing value (the error's recommended action, which PowerShell shows under the message), for
    /// the commands that read rows: all of them take -MissingValue.
    /// </summary>
    internal const string MissingValueAction =
        "To use rows with missing values, give -MissingValue Impute (the column's training mean) or -MissingValue Skip (the rows left out, with one warning).";

    private static AnomalyDetectionException? Checked(ValueKind kind, object? value, string column, long rowNumber, MissingValuePolicy policy, ref double result)
    {
        if (kind == ValueKind.Number)
        {
            return null;
        }

        if (kind == ValueKind.Missing && policy != MissingValuePolicy.Error)
        {
            result = double.NaN;
            return null;
        }

        string what = kind switch
        {
            ValueKind.Missing when value is null or "" => "is empty or missing",
            ValueKind.Missing => $"is {ValueParser.Describe(value)}, which marks a missing value",
            ValueKind.NotFinite => $"is {ValueParser.Describe(value)}, which is infinite",
            _ => $"is {ValueParser.Describe(value)}, which is not a number",
        };
        object? comma = kind == ValueKind.NotANumber ? value : null;
        return new AnomalyDetectionException(
            AnomalyErrorKind.InvalidRow,
            $"Row {rowNumber}: column '{column}' {what}; expected a finite number such as 12.5 (invariant culture: '.' for decimals, unless -Culture says otherwise). The row was skipped.{InputHints.CommaDecimal(comma)}")
        { RowNumber = rowNumber, Column = column, RecommendedAction = kind == ValueKind.Missing ? MissingValueAction : InputHints.CommaDecimalAction(comma) };
    }

    /// <summary>Replaces every NaN in row-major <paramref name="data"/> with that column's value in <paramref name="fill"/>; returns how many.</summary>
    public static int Impute(Span<double> data, IReadOnlyList<double> fill)
    {
        int width = fill.Count, count = 0;
        for (int k = 0; k < data.Length; k++)
        {
            if (double.IsNaN(data[k]))
            {
                data[k] = fill[k % width];
                count++;
            }
        }

        return count;
    }

    /// <summary>Each column's mean over its non-NaN values (0 for a column with none).</summary>
    public static double[] ColumnMeans(ReadOnlySpan<double> data, int width) => new ColumnStatistics(width).AddRows(data).Means;
}
