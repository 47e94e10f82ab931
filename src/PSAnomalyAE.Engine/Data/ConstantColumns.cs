using System.Globalization;

namespace PSAnomalyAE.Engine.Data;

/// <summary>Finds the feature columns of a training set that hold the same value in every row.</summary>
internal static class ConstantColumns
{
    /// <summary>
    /// Warns about each feature column whose value is the same in every row that has one; the advice names the
    /// list to leave it out with by <paramref name="words"/>.
    /// </summary>
    public static void Warn(IReadOnlyList<IRow> rows, FeatureEncoding encoding, ColumnListNames words, Action<string> warn)
    {
        if (rows.Count < 2)
        {
            return;
        }

        for (int c = 0; c < encoding.Columns.Length; c++)
        {
            string name = encoding.Columns[c];
            if (IsConstant(rows, name, encoding.Categories[c] is not null, out object? value))
            {
                warn($"Column '{name}' is {ValueParser.Describe(value)} in every training row: it teaches the model nothing, and any other value in it will make a row look anomalous. If it is a label or an identifier, leave it out with {words.Excluded} {name}.");
            }
        }
    }

    /// <summary>
    /// True when every row that has a usable value in column <paramref name="name"/> has the same one (as a
    /// category, or as a number), and some row has one; <paramref name="value"/> is the first row's.
    /// </summary>
    private static bool IsConstant(IReadOnlyList<IRow> rows, string name, bool categorical, out object? value)
    {
        string? first = null;
        value = null;
        foreach (IRow row in rows)
        {
            if (!row.TryGetValue(name, out object? v))
            {
                continue;
            }

            string? key = categorical
                ? FeatureEncoding.Category(v)
                : ValueParser.Parse(v, out double x) == ValueKind.Number ? x.ToString("R", CultureInfo.InvariantCulture) : null;
            if (key is null)
            {
                continue;
            }

            if (first is null)
            {
                (first, value) = (key, v);
            }
            else if (!string.Equals(first, key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return first is not null;
    }
}
