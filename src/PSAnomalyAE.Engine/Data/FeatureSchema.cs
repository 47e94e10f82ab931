namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Chooses the feature columns of a training set and turns rows into numbers (the cells are read in
/// FeatureSchema.Cells.cs; wildcards are expanded by <see cref="ColumnPatterns"/>).
/// </summary>
public static partial class FeatureSchema
{
    /// <summary>
    /// The feature columns of <paramref name="rows"/>. With <paramref name="include"/> those names, in that order
    /// (each must exist on the rows). Otherwise every property, in first-row order, for which more than half of the
    /// non-missing values read as numbers (see <see cref="ValueParser"/>). <paramref name="exclude"/> removes names.
    /// Messages name the lists of names with <paramref name="words"/> (default <see cref="ColumnListNames.Default"/>).
    /// </summary>
    public static string[] Select(IReadOnlyList<IRow> rows, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, Action<string>? note = null, ColumnListNames? words = null)
    {
        RequireRows(rows.Count);
        return SelectFrom(ColumnSurvey.Of(rows, ColumnOrder(rows), Array.Empty<string>()), include, exclude, note, words ?? ColumnListNames.Default);
    }

    private static string[] SelectFrom(ColumnSurvey survey, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, Action<string>? note, ColumnListNames words)
    {
        var excluded = new HashSet<string>(exclude ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        if (include is { Count: > 0 })
        {
            var missing = include.Where(n => !survey.Has(n)).ToList();
            if (missing.Count > 0)
            {
                throw MissingColumns(missing, survey.FirstRowNames);
            }

            var names = include.Where(n => !excluded.Contains(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            return names.Length > 0
                ? CanonicalNames(names, survey.FirstRowNames)
                : throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"{words.Excluded} removes every column named by {words.Features}; no features are left.");
        }

        List<string> features = NumericColumns(survey, excluded, note);
        if (features.Count == 0)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"No numeric columns were found among {string.Join(", ", survey.Present.Select(n => "'" + n + "'"))}.{InputHints.Delimiter(survey.Present)}{CommaDecimalIn(survey.FirstRow, survey.Present)}")
            {
                RecommendedAction = $"Name the feature columns with {words.Features}, or convert the values to numbers.",
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
    /// <paramref name="include"/> or <paramref name="categorical"/> that matches nothing is an error; a name or pattern
    /// of <paramref name="exclude"/> that matches nothing, and a feature column with the same value in every row, get
    /// a warning through <paramref name="warn"/>. Messages name the three lists with <paramref name="words"/>
    /// (default <see cref="ColumnListNames.Default"/>: -Property, -ExcludeProperty, -CategoricalProperty).
    /// </remarks>
    public static FeatureEncoding Plan(IReadOnlyList<IRow> rows, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note = null, Action<string>? warn = null, ColumnListNames? words = null)
    {
        RequireRows(rows.Count);
        List<string> present = ColumnOrder(rows);
        return Plan(present, cat => ColumnSurvey.Of(rows, present, cat), include, exclude, categorical, note, warn, words);
    }

    /// <summary>
    /// As <see cref="Plan(IReadOnlyList{IRow}, IReadOnlyList{string}?, IReadOnlyList{string}?, IReadOnlyList{string}?, Action{string}?, Action{string}?, ColumnListNames?)"/>,
    /// giving also the <paramref name="survey"/> of the rows with the numbers read from them, so that encoding them
    /// need not read each row again (<see cref="ColumnSurvey.TryNumbers"/>).
    /// </summary>
    public static FeatureEncoding Plan(IReadOnlyList<IRow> rows, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note, Action<string>? warn, ColumnListNames? words, out ColumnSurvey survey)
    {
        RequireRows(rows.Count);
        List<string> present = ColumnOrder(rows);
        ColumnSurvey? made = null;
        FeatureEncoding encoding = Plan(present, cat => made = ColumnSurvey.Of(rows, present, cat, keepNumbers: true), include, exclude, categorical, note, warn, words);
        survey = made!;
        return encoding;
    }

    /// <summary>
    /// As <see cref="Plan(IReadOnlyList{IRow}, IReadOnlyList{string}?, IReadOnlyList{string}?, IReadOnlyList{string}?, Action{string}?, Action{string}?, ColumnListNames?)"/>
    /// for rows that are not held (the records of a file): <paramref name="present"/> are the column names, and
    /// <paramref name="survey"/> goes through the rows once, given the categorical columns (wildcards expanded).
    /// </summary>
    public static FeatureEncoding Plan(IReadOnlyList<string> present, Func<IReadOnlyList<string>, ColumnSurvey> survey, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note = null, Action<string>? warn = null, ColumnListNames? words = null)
    {
        words ??= ColumnListNames.Default;
        include = ColumnPatterns.Expand(include, present, ColumnList.Features, words, warn);
        exclude = ColumnPatterns.Expand(exclude, present, ColumnList.Excluded, words, warn);
        categorical = ColumnPatterns.Expand(categorical, present, ColumnList.Categorical, words, warn);
        ColumnSurvey counts = survey(categorical ?? Array.Empty<string>());
        RequireRows(counts.Rows);
        FeatureEncoding encoding = PlanExpanded(counts, include, exclude, categorical, note, words);
        if (warn is not null)
        {
            ConstantColumns.Warn(counts, encoding, words, warn);
            InputHints.WarnCommaDecimalColumns(counts.FirstRow, present, encoding.Columns, warn);
        }

        return encoding;
    }

    /// <summary>True when <paramref name="name"/> holds a wildcard character (*, ? or [); see <see cref="ColumnPatterns"/>.</summary>
    public static bool HasWildcard(string name) => ColumnPatterns.HasWildcard(name);

    private static void RequireRows(long count)
    {
        if (count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "There are no input rows to choose feature columns from.");
        }
    }

    private static FeatureEncoding PlanExpanded(ColumnSurvey survey, IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note, ColumnListNames words)
    {
        if (categorical is not { Count: > 0 })
        {
            return FeatureEncoding.Numeric(SelectFrom(survey, include, exclude, note, words));
        }

        var missing = categorical.Where(n => !survey.Has(n)).ToList();
        if (missing.Count > 0)
        {
            throw MissingColumns(missing, survey.FirstRowNames);
        }

        var cat = new HashSet<string>(categorical, StringComparer.OrdinalIgnoreCase);
        var excluded = new HashSet<string>(exclude ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase);
        excluded.ExceptWith(cat);
        string[] columns;
        if (include is { Count: > 0 })
        {
            columns = SelectFrom(survey, include.Concat(cat.Where(c => !include.Contains(c, StringComparer.OrdinalIgnoreCase))).ToList(), excluded.ToList(), note, words);
        }
        else
        {
            var numeric = new HashSet<string>(NumericColumns(survey, new HashSet<string>(excluded.Concat(cat), StringComparer.OrdinalIgnoreCase), note), StringComparer.OrdinalIgnoreCase);
            columns = survey.Present.Where(n => numeric.Contains(n) || cat.Contains(n)).ToArray();
        }

        return new FeatureEncoding(columns, columns.Select(c => cat.Contains(c) ? survey.Categories(c) : null).ToArray());
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

    private static List<string> NumericColumns(ColumnSurvey survey, HashSet<string> excluded, Action<string>? note)
    {
        var features = new List<string>();
        foreach (string name in survey.Present)
        {
            if (excluded.Contains(name))
            {
                continue;
            }

            if (survey.IsNumeric(name))
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

    private static string[] CanonicalNames(IEnumerable<string> names, IReadOnlyList<string> firstRowNames)
    {
        // Keep the spelling the data uses, so the model names its features as the CSV header does.
        var spelled = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string n in firstRowNames)
        {
            spelled.TryAdd(n, n);
        }

        return names.Select(n => spelled.TryGetValue(n, out string? s) ? s : n).ToArray();
    }

    /// <summary>The comma-decimal hint for the first value of <paramref name="row"/> that reads like "12,5", or empty.</summary>
    private static string CommaDecimalIn(IRow row, IEnumerable<string> columns)
    {
        foreach (string name in columns)
        {
            if (row.TryGetValue(name, out object? v) && InputHints.IsCommaDecimal(v))
            {
                return $" Column '{name}' holds {ValueParser.Describe(v)}:{InputHints.CommaDecimal(v)}";
            }
        }

        return string.Empty;
    }

    private static AnomalyDetectionException MissingColumns(IReadOnlyList<string> missing, IEnumerable<string> available)
    {
        string list = string.Join(", ", missing.Select(n => "'" + n + "'"));
        string have = string.Join(", ", available.Take(30).Select(n => "'" + n + "'"));
        return new AnomalyDetectionException(
            AnomalyErrorKind.MissingFeature,
            $"The input has no column{(missing.Count == 1 ? "" : "s")} {list}. Columns present: {(have.Length == 0 ? "none" : have)}.{InputHints.Delimiter(available)}")
        {
            Columns = missing,
            Column = missing[0],
            RecommendedAction = "Supply rows with the columns the model was trained on (see the model's FeatureNames).",
        };
    }
}
