using System.Text.RegularExpressions;

namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// What an error adds when the input looks like a file read with the wrong settings: numbers with a comma for
/// decimals (a de-DE or fr-FR export read with the invariant culture), or a file with another delimiter read as one
/// column ('timestamp;host;cpu').
/// </summary>
public static partial class InputHints
{
    private static readonly char[] s_delimiters = { ';', '\t', '|' };

    [GeneratedRegex(@"^\s*[-+]?\d+,\d+([eE][-+]?\d+)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex CommaDecimalPattern();

    /// <summary>True when <paramref name="value"/> is text such as "12,5": a number written with a comma for decimals.</summary>
    public static bool IsCommaDecimal(object? value) => value is string s && s.Length < 100 && CommaDecimalPattern().IsMatch(s);

    /// <summary>A sentence to append to an error about <paramref name="value"/> (with a leading space), or empty.</summary>
    public static string CommaDecimal(object? value) => IsCommaDecimal(value)
        ? " It looks like a number with a comma for decimals: read the values with that culture, for example -Culture de-DE."
        : string.Empty;

    /// <summary>The recommended action for a value such as "12,5", or null.</summary>
    public static string? CommaDecimalAction(object? value) => IsCommaDecimal(value)
        ? "Add -Culture with the culture the file was written in (for example -Culture de-DE, or -Culture (Get-Culture) for this computer's), so that '12,5' reads as 12.5."
        : null;

    /// <summary>
    /// When the input has one column whose name holds a delimiter ('timestamp;host;cpu'), the sentence that says so
    /// (with a leading space); otherwise empty.
    /// </summary>
    public static string Delimiter(IEnumerable<string> columns)
    {
        string[] names = columns.Take(2).ToArray();
        if (names.Length != 1)
        {
            return string.Empty;
        }

        char? found = s_delimiters.Cast<char?>().FirstOrDefault(d => names[0].Contains(d!.Value, StringComparison.Ordinal));
        if (found is not { } d)
        {
            return string.Empty;
        }

        string shown = d == '\t' ? "`t" : d.ToString();
        return $" The input has one column, '{Shorten(names[0])}': the file is likely delimited by '{shown}', not by commas. Read it with Import-Csv -Delimiter \"{shown}\".";
    }

    /// <summary>
    /// Warns about each column left out of the features whose value in <paramref name="first"/> reads like "12,5":
    /// a comma-decimal column read without its culture would otherwise leave the model without it in silence.
    /// </summary>
    public static void WarnCommaDecimalColumns(IRow first, IEnumerable<string> columns, IReadOnlyCollection<string> features, Action<string> warn)
    {
        foreach (string name in columns)
        {
            if (!features.Contains(name, StringComparer.OrdinalIgnoreCase) && first.TryGetValue(name, out object? v) && IsCommaDecimal(v))
            {
                warn($"Column '{name}' is not a feature: its values, such as {ValueParser.Describe(v)}, have a comma for decimals. Add -Culture with the culture they were written in (for example -Culture de-DE) to read them as numbers.");
            }
        }
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..57] + "..." : s;
}
