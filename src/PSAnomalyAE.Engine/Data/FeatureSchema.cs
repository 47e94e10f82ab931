namespace PSAnomalyAE.Engine.Data;

/// <summary>Chooses the feature columns of a training set and turns rows into numbers.</summary>
public static class FeatureSchema
{
    /// <summary>
    /// The feature columns of <paramref name="rows"/>. With <paramref name="include"/> those names, in that order
    /// (each must exist on the rows). Otherwise every property, in first-row order, for which more than half of the
    /// non-missing values read as numbers (see <see cref="ValueParser"/>). <paramref name="exclude"/> removes names.
    /// </summary>
    public static string[] Select(IReadOnlyList<IRow> rows, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, Action<string>? note = null)
    {
        if (rows.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "There are no input rows to choose feature columns from.");
        }

        var excluded = new HashSet<string>(exclude ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        if (include is { Count: > 0 })
        {
            var missing = include.Where(n => !rows.Any(r => r.TryGetValue(n, out _))).ToList();
            if (missing.Count > 0)
            {
                throw MissingColumns(missing, rows[0].Names);
            }

            var names = include.Where(n => !excluded.Contains(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            return names.Length > 0
                ? CanonicalNames(names, rows)
                : throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "-ExcludeProperty removes every column named by -Property; no features are left.");
        }

        List<string> order = ColumnOrder(rows);
        List<string> features = NumericColumns(rows, order, excluded, note);
        if (features.Count == 0)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"No numeric columns were found among {string.Join(", ", order.Select(n => "'" + n + "'"))}.")
            {
                RecommendedAction = "Name the feature columns with -Property, or convert the values to numbers.",
            };
        }

        return features.ToArray();
    }

    /// <summary>
    /// The columns of a training set and how they are encoded: the numeric columns chosen as by
    /// <see cref="Select"/>, plus the <paramref name="categorical"/> columns, whose categories are learned from the rows.
    /// </summary>
    public static FeatureEncoding Plan(IReadOnlyList<IRow> rows, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note = null)
    {
        if (categorical is not { Count: > 0 })
        {
            return FeatureEncoding.Numeric(Select(rows, include, exclude, note));
        }

        if (rows.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "There are no input rows to choose feature columns from.");
        }

        var missing = categorical.Where(n => !rows.Any(r => r.TryGetValue(n, out _))).ToList();
        if (missing.Count > 0)
        {
            throw MissingColumns(missing, rows[0].Names);
        }

        var cat = new HashSet<string>(categorical, StringComparer.OrdinalIgnoreCase);
        var excluded = new HashSet<string>(exclude ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        excluded.ExceptWith(cat);
        List<string> order = ColumnOrder(rows);
        string[] columns;
        if (include is { Count: > 0 })
        {
            columns = Select(rows, include.Concat(cat.Where(c => !include.Contains(c, StringComparer.OrdinalIgnoreCase))).ToList(), excluded.ToList(), note);
        }
        else
        {
            var numeric = new HashSet<string>(NumericColumns(rows, order, new HashSet<string>(excluded.Concat(cat), StringComparer.OrdinalIgnoreCase), note), StringComparer.OrdinalIgnoreCase);
            columns = order.Where(n => numeric.Contains(n) || cat.Contains(n)).ToArray();
        }

        return FeatureEncoding.Fit(rows, columns, new HashSet<string>(cat, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Checks that a row has every feature; the error lists all that are missing.</summary>
    public static void RequireColumns(IRow row, IReadOnlyList<string> features)
    {
        var missing = features.Where(f => !row.TryGetValue(f, out _)).ToList();
        if (missing.Count > 0)
        {
            throw MissingColumns(missing, row.Names);
        }
    }

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
    public static AnomalyDetectionException? ReadNumber(ReadOnlySpan<char> text, string column, long rowNumber, MissingValuePolicy policy, out double result)
    {
        ValueKind kind = ValueParser.ParseText(text, out result);
        return kind == ValueKind.Number ? null : Checked(kind, text.ToString(), column, rowNumber, policy, ref result);
    }

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
            ValueKind.Missing => "is empty or missing",
            ValueKind.NotFinite => $"is {ValueParser.Describe(value)}, which is infinite",
            _ => $"is {ValueParser.Describe(value)}, which is not a number",
        };
        return new AnomalyDetectionException(
            AnomalyErrorKind.InvalidRow,
            $"Row {rowNumber}: column '{column}' {what}; expected a finite number such as 12.5 (invariant culture: '.' for decimals). The row was skipped.")
        { RowNumber = rowNumber, Column = column };
    }

    private static List<string> ColumnOrder(IReadOnlyList<IRow> rows)
    {
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (IRow row in rows)
        {
            foreach (string n in row.Names)
            {
                if (seen.Add(n))
                {
                    order.Add(n);
                }
            }
        }

        return order;
    }

    private static List<string> NumericColumns(IReadOnlyList<IRow> rows, List<string> order, HashSet<string> excluded, Action<string>? note)
    {
        var features = new List<string>();
        foreach (string name in order)
        {
            if (excluded.Contains(name))
            {
                continue;
            }

            int numbers = 0, others = 0;
            foreach (IRow row in rows)
            {
                if (!row.TryGetValue(name, out object? v))
                {
                    continue;
                }

                switch (ValueParser.Parse(v, out _))
                {
                    case ValueKind.Number: numbers++; break;
                    case ValueKind.NotANumber:
                    case ValueKind.NotFinite: others++; break;
                }
            }

            if (numbers > others)
            {
                features.Add(name);
            }
            else
            {
                note?.Invoke($"Column '{name}' is not a feature: its values are not numbers.");
            }
        }

        return features;
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
    public static double[] ColumnMeans(ReadOnlySpan<double> data, int width)
    {
        var sum = new double[width];
        var n = new long[width];
        for (int k = 0; k < data.Length; k++)
        {
            if (!double.IsNaN(data[k]))
            {
                sum[k % width] += data[k];
                n[k % width]++;
            }
        }

        return sum.Select((s, j) => n[j] > 0 ? s / n[j] : 0).ToArray();
    }

    private static string[] CanonicalNames(IEnumerable<string> names, IReadOnlyList<IRow> rows)
    {
        // Keep the spelling the data uses, so the model names its features as the CSV header does.
        var spelled = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (IRow row in rows.Take(1))
        {
            foreach (string n in row.Names)
            {
                spelled.TryAdd(n, n);
            }
        }

        return names.Select(n => spelled.TryGetValue(n, out string? s) ? s : n).ToArray();
    }

    private static AnomalyDetectionException MissingColumns(IReadOnlyList<string> missing, IEnumerable<string> available)
    {
        string list = string.Join(", ", missing.Select(n => "'" + n + "'"));
        string have = string.Join(", ", available.Take(30).Select(n => "'" + n + "'"));
        return new AnomalyDetectionException(
            AnomalyErrorKind.MissingFeature,
            $"The input has no column{(missing.Count == 1 ? "" : "s")} {list}. Columns present: {(have.Length == 0 ? "none" : have)}.")
        {
            Columns = missing,
            Column = missing[0],
            RecommendedAction = "Supply rows with the columns the model was trained on (see the model's FeatureNames).",
        };
    }
}
