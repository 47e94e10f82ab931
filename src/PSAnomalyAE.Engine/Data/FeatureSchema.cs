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
    /// <remarks>
    /// Names may hold wildcards (*, ? and [abc], any case), expanded against the columns of the rows: a pattern of
    /// -Property or -CategoricalProperty that matches nothing is an error; a name or pattern of -ExcludeProperty that
    /// matches nothing, and a feature column with the same value in every row, get a warning through
    /// <paramref name="warn"/>.
    /// </remarks>
    public static FeatureEncoding Plan(IReadOnlyList<IRow> rows, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note = null, Action<string>? warn = null)
    {
        if (rows.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "There are no input rows to choose feature columns from.");
        }

        List<string> present = ColumnOrder(rows);
        include = Expand(include, present, "-Property", warn);
        exclude = Expand(exclude, present, "-ExcludeProperty", warn);
        categorical = Expand(categorical, present, "-CategoricalProperty", warn);
        FeatureEncoding encoding = PlanExpanded(rows, include, exclude, categorical, note);
        if (warn is not null)
        {
            WarnConstantColumns(rows, encoding, warn);
        }

        return encoding;
    }

    /// <summary>True when <paramref name="name"/> holds a wildcard character (*, ? or [).</summary>
    public static bool HasWildcard(string name) => name.IndexOfAny(s_wildcards) >= 0;

    /// <summary>
    /// Expands the wildcard patterns among <paramref name="names"/> against <paramref name="columns"/> (in column
    /// order, any case); plain names are kept as given. A pattern of <paramref name="parameter"/> that matches no
    /// column is an error, except for -ExcludeProperty, where it, and a plain name that names no column, get a warning.
    /// </summary>
    public static string[]? Expand(IReadOnlyList<string>? names, IReadOnlyList<string> columns, string parameter, Action<string>? warn = null)
    {
        if (names is not { Count: > 0 })
        {
            return names?.ToArray();
        }

        bool exclude = parameter == "-ExcludeProperty";
        var result = new List<string>();
        foreach (string name in names)
        {
            if (!HasWildcard(name))
            {
                if (exclude && !columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    warn?.Invoke($"-ExcludeProperty '{name}' names no column of the input, so it excluded nothing. Columns present: {List(columns)}.");
                }

                result.Add(name);
                continue;
            }

            var pattern = new System.Text.RegularExpressions.Regex(
                "^" + GlobToRegex(name) + "$",
                System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            var matches = columns.Where(c => pattern.IsMatch(c)).ToList();
            if (matches.Count == 0)
            {
                if (exclude)
                {
                    warn?.Invoke($"-ExcludeProperty '{name}' matches no column of the input, so it excluded nothing. Columns present: {List(columns)}.");
                    continue;
                }

                throw new AnomalyDetectionException(AnomalyErrorKind.MissingFeature, $"{parameter} '{name}' matches no column of the input. Columns present: {List(columns)}.")
                {
                    Column = name,
                    RecommendedAction = $"Correct the pattern given to {parameter}.",
                };
            }

            result.AddRange(matches);
        }

        return result.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private static readonly char[] s_wildcards = { '*', '?', '[' };

    private static string GlobToRegex(string glob)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '`' when i + 1 < glob.Length: sb.Append(System.Text.RegularExpressions.Regex.Escape(glob[++i].ToString())); break;
                case '[':
                    int end = glob.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    string set = glob[(i + 1)..end].Replace(@"\", @"\\", StringComparison.Ordinal);
                    sb.Append('[').Append(set).Append(']');
                    i = end;
                    break;
                default: sb.Append(System.Text.RegularExpressions.Regex.Escape(c.ToString())); break;
            }
        }

        return sb.ToString();
    }

    private static string List(IEnumerable<string> names)
    {
        string list = string.Join(", ", names.Take(30).Select(n => "'" + n + "'"));
        return list.Length == 0 ? "none" : list;
    }

    /// <summary>Warns about each feature column whose value is the same in every row that has one.</summary>
    private static void WarnConstantColumns(IReadOnlyList<IRow> rows, FeatureEncoding encoding, Action<string> warn)
    {
        if (rows.Count < 2)
        {
            return;
        }

        for (int c = 0; c < encoding.Columns.Length; c++)
        {
            string name = encoding.Columns[c];
            bool categorical = encoding.Categories[c] is not null;
            string? first = null;
            object? firstRaw = null;
            bool constant = true;
            foreach (IRow row in rows)
            {
                if (!row.TryGetValue(name, out object? v))
                {
                    continue;
                }

                string? key;
                if (categorical)
                {
                    key = FeatureEncoding.Category(v);
                }
                else
                {
                    key = ValueParser.Parse(v, out double x) == ValueKind.Number ? x.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : null;
                }

                if (key is null)
                {
                    continue;
                }

                if (first is null)
                {
                    (first, firstRaw) = (key, v);
                }
                else if (!string.Equals(first, key, StringComparison.Ordinal))
                {
                    constant = false;
                    break;
                }
            }

            if (constant && first is not null)
            {
                warn($"Column '{name}' is {ValueParser.Describe(firstRaw)} in every training row: it teaches the model nothing, and any other value in it will make a row look anomalous. If it is a label or an identifier, leave it out with -ExcludeProperty {name}.");
            }
        }
    }

    private static FeatureEncoding PlanExpanded(IReadOnlyList<IRow> rows, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note)
    {
        if (categorical is not { Count: > 0 })
        {
            return FeatureEncoding.Numeric(Select(rows, include, exclude, note));
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
