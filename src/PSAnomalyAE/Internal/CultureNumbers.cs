using System.Globalization;

namespace PSAnomalyAE.Internal;

/// <summary>
/// Numbers written as text in a culture's way (-Culture): "12,5" in de-DE. The engine reads text with the invariant
/// culture; a command given -Culture hands it rows whose text values are read in that culture first.
/// </summary>
internal static class CultureNumbers
{
    /// <summary>The number format of <paramref name="culture"/>, or null (the invariant culture, the engine's own).</summary>
    internal static NumberFormatInfo? FormatOf(CultureInfo? culture) =>
        culture is null || culture.Equals(CultureInfo.InvariantCulture) ? null : culture.NumberFormat;

    /// <summary>
    /// Reads a value as a number: with <paramref name="culture"/> when one is given; otherwise with the invariant
    /// culture, and text that is not a number there with this session's culture (so that scores written by
    /// Export-Csv under de-DE, "3,6159", are read back).
    /// </summary>
    internal static ValueKind Parse(object? value, CultureInfo? culture, out double result)
    {
        if (value is string s && FormatOf(culture) is { } format)
        {
            return ValueParser.ParseText(s, format, out result);
        }

        ValueKind kind = ValueParser.Parse(value, out result);
        if (kind == ValueKind.NotANumber && culture is null && value is string text && FormatOf(CultureInfo.CurrentCulture) is { } current)
        {
            ValueKind local = ValueParser.ParseText(text, current, out double localResult);
            if (local == ValueKind.Number)
            {
                result = localResult;
                return local;
            }
        }

        return kind;
    }
}
