using System.Text;
using System.Text.RegularExpressions;

namespace PSAnomalyAE.Engine.Data;

/// <summary>Column names with wildcards (*, ? and [abc], any case; ` escapes the next character), expanded against the columns of the rows.</summary>
public static class ColumnPatterns
{
    private static readonly char[] s_wildcards = { '*', '?', '[' };

    /// <summary>True when <paramref name="name"/> holds a wildcard character (*, ? or [).</summary>
    public static bool HasWildcard(string name) => name.IndexOfAny(s_wildcards) >= 0;

    /// <summary>
    /// Expands the wildcard patterns among <paramref name="names"/> against <paramref name="columns"/> (in column
    /// order, any case); plain names are kept as given. A pattern that matches no column is an error, except in
    /// the <see cref="ColumnList.Excluded"/> list, where it, and a plain name that names no column, get a warning.
    /// Messages name the list with <paramref name="words"/>.
    /// </summary>
    public static string[]? Expand(IReadOnlyList<string>? names, IReadOnlyList<string> columns, ColumnList list, ColumnListNames words, Action<string>? warn = null)
    {
        if (names is not { Count: > 0 })
        {
            return names?.ToArray();
        }

        bool exclude = list == ColumnList.Excluded;
        string parameter = words.Of(list);
        var result = new List<string>();
        foreach (string name in names)
        {
            if (!HasWildcard(name))
            {
                if (exclude && !columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    warn?.Invoke($"{parameter} '{name}' names no column of the input, so it excluded nothing. Columns present: {List(columns)}.");
                }

                result.Add(name);
                continue;
            }

            var pattern = new Regex("^" + GlobToRegex(name) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            var matches = columns.Where(c => pattern.IsMatch(c)).ToList();
            if (matches.Count == 0)
            {
                if (exclude)
                {
                    warn?.Invoke($"{parameter} '{name}' matches no column of the input, so it excluded nothing. Columns present: {List(columns)}.");
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

    private static string GlobToRegex(string glob)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '`' when i + 1 < glob.Length: sb.Append(Regex.Escape(glob[++i].ToString())); break;
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
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }

        return sb.ToString();
    }

    private static string List(IEnumerable<string> names)
    {
        string list = string.Join(", ", names.Take(30).Select(n => "'" + n + "'"));
        return list.Length == 0 ? "none" : list;
    }
}
