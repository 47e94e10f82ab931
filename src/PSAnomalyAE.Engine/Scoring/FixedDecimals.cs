using System.Globalization;
using System.Runtime.CompilerServices;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Writes a number as the custom formats "0", "0.#", "0.0#", "0.###" or "0.00" write it (invariant culture): at least
/// <c>minDecimals</c> and at most <c>maxDecimals</c> decimals, trailing zeros dropped down to the minimum. The text is
/// the runtime's to the character; only the work differs. The runtime parses the format string and generates fifteen
/// significant digits for every number: about a third of the cost of an explanation's text, which has several numbers
/// per row and which Export-Csv asks for on every row (the Reason has one more). Here a number is scaled and rounded
/// in integers, and the rare number whose rounding the two ways could tell apart (within a hair of a midpoint, "-0",
/// beyond 10^12) is left to the runtime.
/// </summary>
public static class FixedDecimals
{
    /// <summary>The most decimals this writes.</summary>
    public const int MaxDecimals = 6;

    private static readonly double[] s_scale = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
    private static readonly long[] s_unit = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000 };

    // The custom format of each (min, max) pair, for the numbers left to the runtime: "0.0#" is [1, 2].
    private static readonly string[,] s_formats = Formats();

    /// <summary>The text of <paramref name="value"/> with <paramref name="minDecimals"/> to <paramref name="maxDecimals"/> decimals.</summary>
    public static string Format(double value, int minDecimals, int maxDecimals)
    {
        Span<char> text = stackalloc char[32];
        return TryWrite(value, minDecimals, maxDecimals, text, out int written)
            ? new string(text[..written])
            : value.ToString(CustomFormat(minDecimals, maxDecimals), CultureInfo.InvariantCulture);
    }

    /// <summary>Appends the text of <paramref name="value"/>, as <see cref="Format"/> gives it.</summary>
    public static void Append(ref DefaultInterpolatedStringHandler text, double value, int minDecimals, int maxDecimals)
    {
        Span<char> digits = stackalloc char[32];
        if (TryWrite(value, minDecimals, maxDecimals, digits, out int written))
        {
            text.AppendFormatted((ReadOnlySpan<char>)digits[..written]);
        }
        else
        {
            text.AppendFormatted(value, CustomFormat(minDecimals, maxDecimals));
        }
    }

    /// <summary>
    /// Writes the text of <paramref name="value"/>, as <see cref="Format"/> gives it, into <paramref name="destination"/>;
    /// false when it does not fit (32 characters hold every number below 10^12 in these formats; the largest doubles
    /// take over 300).
    /// </summary>
    public static bool TryFormat(double value, int minDecimals, int maxDecimals, Span<char> destination, out int charsWritten) =>
        TryWrite(value, minDecimals, maxDecimals, destination, out charsWritten)
        || value.TryFormat(destination, out charsWritten, CustomFormat(minDecimals, maxDecimals), CultureInfo.InvariantCulture);

    /// <summary>
    /// The integer path: false (nothing written) for a number it cannot vouch for. The runtime rounds the number's
    /// fifteen significant digits half away from zero. Those digits are within 5e-15 of the number, relative, and the
    /// scaling here within 2.3e-16, so only a scaled number within about that of a midpoint can round differently the
    /// two ways; numbers within 1e-13 (relative) of one, and any the integers cannot hold exactly, go to the runtime.
    /// </summary>
    internal static bool TryWrite(double value, int minDecimals, int maxDecimals, Span<char> destination, out int written)
    {
        written = 0;
        if (minDecimals < 0 || maxDecimals > MaxDecimals || minDecimals > maxDecimals)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDecimals), $"Decimals must satisfy 0 <= min <= max <= {MaxDecimals}.");
        }

        double scaled = Math.Abs(value) * s_scale[maxDecimals];
        if (!(scaled < 1e12))
        {
            return false; // NaN, infinity, or past where a double's integers and its fifteen digits stay exact
        }

        double whole = Math.Floor(scaled);
        double fraction = scaled - whole;
        if (Math.Abs(fraction - 0.5) <= 1e-13 * scaled + 1e-9)
        {
            return false;
        }

        long rounded = (long)whole + (fraction > 0.5 ? 1 : 0);
        bool negative = double.IsNegative(value);
        if (negative && rounded == 0)
        {
            return false; // the runtime writes "-0" for a negative number that rounds to zero
        }

        long unit = s_unit[maxDecimals];
        long integer = rounded / unit;
        long decimals = rounded % unit;
        int count = maxDecimals;
        while (count > minDecimals && decimals % 10 == 0)
        {
            decimals /= 10;
            count--;
        }

        int at = 0;
        if (negative)
        {
            if (destination.IsEmpty)
            {
                return false;
            }

            destination[at++] = '-';
        }

        if (!integer.TryFormat(destination[at..], out int integerLength, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        at += integerLength;
        if (count > 0)
        {
            if (destination.Length < at + 1 + count)
            {
                return false;
            }

            destination[at++] = '.';
            for (int i = count - 1; i >= 0; i--)
            {
                destination[at + i] = (char)('0' + (int)(decimals % 10));
                decimals /= 10;
            }

            at += count;
        }

        written = at;
        return true;
    }

    private static string CustomFormat(int minDecimals, int maxDecimals) => s_formats[minDecimals, maxDecimals];

    private static string[,] Formats()
    {
        var formats = new string[MaxDecimals + 1, MaxDecimals + 1];
        for (int min = 0; min <= MaxDecimals; min++)
        {
            for (int max = min; max <= MaxDecimals; max++)
            {
                formats[min, max] = max == 0 ? "0" : "0." + new string('0', min) + new string('#', max - min);
            }
        }

        return formats;
    }
}
