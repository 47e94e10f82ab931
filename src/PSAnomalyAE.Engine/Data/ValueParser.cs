using System.Globalization;

namespace PSAnomalyAE.Engine.Data;

/// <summary>Reads cell values (strings from CSV files, numbers from other sources) as doubles.</summary>
public static class ValueParser
{
    private static readonly string[] s_missing = { "", "NA", "N/A", "NaN", "null" };

    /// <summary>
    /// Reads <paramref name="value"/> as a finite double. Strings are parsed with the invariant culture
    /// (a dot for decimals, no thousands separators); empty, NA and NaN count as missing.
    /// </summary>
    public static ValueKind Parse(object? value, out double result)
    {
        result = 0;
        switch (value)
        {
            case null:
            case DBNull:
                return ValueKind.Missing;
            case double d:
                return Finite(d, out result);
            case float f:
                return Finite(f, out result);
            case int or long or short or sbyte or byte or ushort or uint or ulong:
                result = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return ValueKind.Number;
            case decimal m:
                result = (double)m;
                return ValueKind.Number;
            case bool b:
                result = b ? 1 : 0;
                return ValueKind.Number;
            case string s:
                return ParseString(s, out result);
            default:
                return ParseString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, out result);
        }
    }

    private static ValueKind ParseString(string s, out double result) => ParseText(s.AsSpan(), out result);

    /// <summary>
    /// Reads text (a CSV cell, for instance) as a finite double, by the rules of <see cref="Parse(object?, out double)"/>
    /// for strings, without allocating: trimmed, invariant culture; empty, NA, N/A, NaN and null count as missing.
    /// Text with a control character inside it (other than the whitespace around it) is not a number, even where .NET
    /// would read it: "1\0" parses as 1, but a NUL in a cell means a damaged or binary file, not a value.
    /// </summary>
    public static ValueKind ParseText(ReadOnlySpan<char> text, out double result) => ParseText(text, NumberFormatInfo.InvariantInfo, out result);

    /// <summary>
    /// Reads text as a finite double by the rules of <see cref="ParseText(ReadOnlySpan{char}, out double)"/>, with the
    /// decimal separator and signs of <paramref name="format"/> (a comma-decimal culture reads "12,5" as 12.5). No
    /// thousands separators, in any culture: "1.234" under de-DE is not a number rather than 1234.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static ValueKind ParseText(ReadOnlySpan<char> text, NumberFormatInfo format, out double result)
    {
        if (TryParsePlainDecimal(text, format, out result))
        {
            return ValueKind.Number;
        }

        ReadOnlySpan<char> t = text.Trim();
        if (double.TryParse(t, NumberStyles.Float, format, out double d) && !HasControl(t))
        {
            // "NaN" parses, and reads as missing in Finite.
            return Finite(d, out result);
        }

        result = 0;
        return IsMissing(t) ? ValueKind.Missing : ValueKind.NotANumber;
    }

    private static readonly double[] s_powersOfTen =
    {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    };

    /// <summary>
    /// The common case of a CSV cell, read without the general parser: an optional sign, digits and at most one
    /// decimal separator, no more than 15 digits in all (such as "-12.375"). The digits make an integer below 2^53 and
    /// the divisor a power of ten that a double holds exactly, so one division gives the correctly rounded value, the
    /// same double as <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>
    /// gives. False for anything else (spaces, exponents, more digits, other signs), which the general parser reads.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool TryParsePlainDecimal(ReadOnlySpan<char> t, NumberFormatInfo format, out double result)
    {
        result = 0;
        if (t.IsEmpty || t.Length > 17)
        {
            return false;
        }

        int i = 0;
        bool negative = false;
        if (t[0] == '-' || t[0] == '+')
        {
            if (t[0] == '-' ? format.NegativeSign != "-" : format.PositiveSign != "+")
            {
                return false; // a culture whose sign is another
            }

            negative = t[0] == '-';
            i = 1;
        }

        string separator = format.NumberDecimalSeparator;
        if (separator.Length != 1)
        {
            return false;
        }

        char point = separator[0];
        long mantissa = 0;
        int digits = 0, fraction = -1;
        for (; i < t.Length; i++)
        {
            char c = t[i];
            uint d = (uint)(c - '0');
            if (d <= 9)
            {
                mantissa = (mantissa * 10) + d;
                digits++;
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (c == point && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || digits > 15)
        {
            return false;
        }

        double value = fraction > 0 ? mantissa / s_powersOfTen[fraction] : mantissa;
        result = negative ? -value : value;
        return true;
    }

    private static bool HasControl(ReadOnlySpan<char> t) =>
        t.IndexOfAnyInRange('\u0000', '\u001f') >= 0 || t.IndexOfAnyInRange('\u007f', '\u009f') >= 0;

    private static bool IsMissing(ReadOnlySpan<char> t)
    {
        foreach (string token in s_missing)
        {
            if (t.Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static ValueKind Finite(double d, out double result)
    {
        result = d;
        if (double.IsNaN(d))
        {
            return ValueKind.Missing;
        }

        return double.IsInfinity(d) ? ValueKind.NotFinite : ValueKind.Number;
    }

    private static readonly HashSet<string> s_positive = new(StringComparer.OrdinalIgnoreCase) { "1", "true", "yes", "anomaly", "anomalous", "y" };
    private static readonly HashSet<string> s_negative = new(StringComparer.OrdinalIgnoreCase) { "0", "false", "no", "normal", "n" };

    /// <summary>The labels <see cref="ParseLabel"/> reads, as error messages name them.</summary>
    public const string LabelValues = "1/0, true/false, yes/no or anomaly/normal";

    /// <summary>
    /// Reads a label: 1/0, true/false, yes/no, anomaly/normal (any case) or a boolean or 0/1 number.
    /// Returns null for anything else.
    /// </summary>
    public static bool? ParseLabel(object? value)
    {
        switch (value)
        {
            case bool b:
                return b;
            case int or long or short or byte or double or float or decimal:
                double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return d == 1 ? true : d == 0 ? false : null;
        }

        string s = (Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty).Trim();
        return s_positive.Contains(s) ? true : s_negative.Contains(s) ? false : null;
    }

    /// <summary>
    /// How a value appears in an error message: quoted, shortened when long, control characters shown escaped
    /// (a NUL as \u0000), so that what a message shows is what the cell holds.
    /// </summary>
    public static string Describe(object? value)
    {
        if (value is null)
        {
            return "$null";
        }

        string s = Escaped(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
        if (s.Length > 40)
        {
            s = s[..37] + "...";
        }

        return "'" + s + "'";
    }

    private static string Escaped(string s)
    {
        if (!HasControl(s))
        {
            return s;
        }

        var escaped = new System.Text.StringBuilder(s.Length + 8);
        foreach (char c in s)
        {
            if (char.IsControl(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
