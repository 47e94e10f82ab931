using System.Globalization;

namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// How a row's columns become the network's inputs. A numeric column is one input. A categorical column becomes
/// one indicator input per category seen in the training rows, plus one "(other)" indicator that is always 0 in
/// training: an unseen category at scoring time sets it to 1, so it shows up as that column's own feature error.
/// </summary>
public sealed class FeatureEncoding
{
    /// <summary>The name suffix of the indicator that stands for categories not seen in training.</summary>
    public const string OtherCategory = "(other)";

    public FeatureEncoding(string[] columns, string[]?[] categories)
    {
        if (columns.Length != categories.Length)
        {
            throw new ArgumentException("Every column needs a category list (null for numeric columns).");
        }

        Columns = columns;
        Categories = categories;
        var names = new List<string>();
        var owner = new List<int>();
        Offsets = new int[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            Offsets[c] = names.Count;
            if (categories[c] is { } cats)
            {
                foreach (string cat in cats.Append(OtherCategory))
                {
                    names.Add($"{columns[c]}={cat}");
                    owner.Add(c);
                }
            }
            else
            {
                names.Add(columns[c]);
                owner.Add(c);
            }
        }

        Names = names.ToArray();
        ColumnOf = owner.ToArray();
    }

    /// <summary>The input columns, in order.</summary>
    public string[] Columns { get; }

    /// <summary>For each column, its categories (sorted) when categorical, null when numeric.</summary>
    public string[]?[] Categories { get; }

    /// <summary>The network's inputs: column names, and column=category for indicators.</summary>
    public string[] Names { get; }

    /// <summary>For each network input, the column it comes from.</summary>
    public int[] ColumnOf { get; }

    /// <summary>For each column, the index of its first network input.</summary>
    public int[] Offsets { get; }

    public int Width => Names.Length;

    public bool HasCategorical => Categories.Any(c => c is not null);

    /// <summary>An encoding of numeric columns only.</summary>
    public static FeatureEncoding Numeric(string[] columns) => new(columns, new string[columns.Length][]);

    /// <summary>Learns the categories of <paramref name="categorical"/> columns from the training rows.</summary>
    public static FeatureEncoding Fit(IReadOnlyList<IRow> rows, string[] columns, ISet<string> categorical)
    {
        var categories = new string[]?[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            if (!categorical.Contains(columns[c]))
            {
                continue;
            }

            var seen = new SortedSet<string>(StringComparer.Ordinal);
            foreach (IRow row in rows)
            {
                if (row.TryGetValue(columns[c], out object? v))
                {
                    seen.Add(Category(v));
                }
            }

            categories[c] = seen.ToArray();
        }

        return new FeatureEncoding(columns, categories);
    }

    /// <summary>A category value as text: trimmed; empty for a missing value.</summary>
    public static string Category(object? value) =>
        (Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty).Trim();

    /// <summary>
    /// Reads one row into <paramref name="destination"/> (<see cref="Width"/> values). Numeric columns follow
    /// <paramref name="policy"/> for missing values (see <see cref="FeatureSchema.TryRead(IRow, IReadOnlyList{string}, long, Span{double}, MissingValuePolicy, out int)"/>);
    /// a categorical value never fails: a missing one is the empty category, an unseen one sets "(other)".
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public AnomalyDetectionException? TryRead(IRow row, long rowNumber, Span<double> destination, MissingValuePolicy policy, out int missing)
    {
        missing = 0;
        destination.Clear();
        ITextRow? text = row as ITextRow;
        for (int c = 0; c < Columns.Length; c++)
        {
            string name = Columns[c];
            if (text is not null && Categories[c] is null)
            {
                // A CSV record: parse the cell's characters, no string per value.
                if (!text.TryGetText(name, out ReadOnlySpan<char> cell))
                {
                    return MissingColumn(name, rowNumber);
                }

                AnomalyDetectionException? bad = FeatureSchema.ReadNumber(cell, text.NumberFormat, name, rowNumber, policy, out destination[Offsets[c]]);
                if (bad is not null)
                {
                    return bad;
                }

                if (double.IsNaN(destination[Offsets[c]]))
                {
                    missing++;
                }

                continue;
            }

            if (!row.TryGetValue(name, out object? value))
            {
                return new AnomalyDetectionException(AnomalyErrorKind.MissingFeature, $"Row {rowNumber}: column '{name}' is missing; the model needs it.")
                {
                    RowNumber = rowNumber,
                    Column = name,
                };
            }

            if (Categories[c] is { } cats)
            {
                int k = Array.BinarySearch(cats, Category(value), StringComparer.Ordinal);
                destination[Offsets[c] + (k >= 0 ? k : cats.Length)] = 1;
                continue;
            }

            AnomalyDetectionException? problem = FeatureSchema.ReadNumber(value, name, rowNumber, policy, out destination[Offsets[c]]);
            if (problem is not null)
            {
                return problem;
            }

            if (double.IsNaN(destination[Offsets[c]]))
            {
                missing++;
            }
        }

        return null;
    }

    private static AnomalyDetectionException MissingColumn(string name, long rowNumber) =>
        new(AnomalyErrorKind.MissingFeature, $"Row {rowNumber}: column '{name}' is missing; the model needs it.")
        {
            RowNumber = rowNumber,
            Column = name,
        };

    /// <summary>For a categorical column, the category whose indicator the reconstruction rates highest.</summary>
    public string ExpectedCategory(int column, ReadOnlySpan<double> reconstructed)
    {
        string[] cats = Categories[column] ?? throw new ArgumentException("Not a categorical column.", nameof(column));
        int best = 0;
        for (int k = 1; k < cats.Length; k++)
        {
            if (reconstructed[Offsets[column] + k] > reconstructed[Offsets[column] + best])
            {
                best = k;
            }
        }

        return cats.Length == 0 ? OtherCategory : cats[best];
    }
}
