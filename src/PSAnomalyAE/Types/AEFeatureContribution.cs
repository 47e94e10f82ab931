using System.Globalization;
using System.Runtime.CompilerServices;

namespace PSAnomalyAE;

/// <summary>
/// One column's part in a row's score, in the column's own units: its value, what the model took as normal for it,
/// and how the value compares.
/// </summary>
public sealed class AEFeatureContribution
{
    internal AEFeatureContribution(FeatureContribution c)
    {
        IsCategorical = c.Value is string;
        Feature = c.Feature;
        Value = c.Value;
        Expected = c.Expected;
        Direction = c.Direction;
        Share = c.Share;
        SquaredError = c.SquaredError;
        NormalLow = c.NormalLow;
        NormalHigh = c.NormalHigh;
        TrainingMin = c.TrainingMin;
        TrainingMax = c.TrainingMax;
        Step = c.Step;
    }

    public string Feature { get; }

    /// <summary>The value in the row: a number, or for a categorical column its category.</summary>
    public object Value { get; }

    /// <summary>
    /// What the model expected, in the column's own units and never outside what it took in training: the mean of the
    /// nearest normal rows, or the network's reconstruction; for a categorical column, the category that goes with the
    /// rest of the row.
    /// </summary>
    public object Expected { get; }

    /// <summary>High or Low (value above or below what was expected); for categories Unseen or Unusual.</summary>
    public string Direction { get; }

    /// <summary>True for a categorical column.</summary>
    public bool IsCategorical { get; }

    /// <summary>This column's share (0-1) of the row's score.</summary>
    public double Share { get; }

    /// <summary>The column's squared reconstruction error in scaled units.</summary>
    public double SquaredError { get; }

    /// <summary>The lowest value among the row's nearest normal rows (models whose score has the distance term).</summary>
    public double? NormalLow { get; }

    /// <summary>The highest value among the row's nearest normal rows (models whose score has the distance term).</summary>
    public double? NormalHigh { get; }

    /// <summary>The lowest value the column took in training.</summary>
    public double? TrainingMin { get; }

    /// <summary>The highest value the column took in training.</summary>
    public double? TrainingMax { get; }

    /// <summary>For models that read windows: the row of the window where the column was furthest off (0: this row, -2: two rows before).</summary>
    public int Step { get; }

    public override string ToString()
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        AppendTo(ref text);
        return text.ToStringAndClear();
    }

    /// <summary>
    /// The column as an operator reads it: "cpu_pct 99.5 where the nearest normal rows have 41-58", "error_rate 8.0,
    /// above anything seen in training (max 0.9)", "host web03, unusual for the other values (web01 expected)".
    /// </summary>
    public string Describe()
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        AppendDescription(ref text);
        return text.ToStringAndClear();
    }

    /// <summary>What <see cref="ToString"/> gives, written into <paramref name="text"/> (Export-Csv asks it of every row's TopFeatures, so no part of it is a string of its own).</summary>
    internal void AppendTo(ref DefaultInterpolatedStringHandler text)
    {
        AppendDescription(ref text);
        text.AppendLiteral(" (");
        text.AppendLiteral(Direction);
        text.AppendLiteral(", ");
        FixedDecimals.Append(ref text, Share * 100, 0, 0);
        text.AppendLiteral("%)");
    }

    private void AppendDescription(ref DefaultInterpolatedStringHandler text)
    {
        text.AppendLiteral(Feature);
        text.AppendLiteral(" ");
        AppendNumber(ref text, Value);
        if (Step < 0)
        {
            text.AppendLiteral(" ");
            text.AppendFormatted(-Step);
            text.AppendLiteral(Step == -1 ? " row earlier" : " rows earlier");
        }

        if (IsCategorical)
        {
            if (Direction == "Unseen")
            {
                text.AppendLiteral(", never seen in training");
            }
            else
            {
                text.AppendLiteral(", unusual for the other values (");
                AppendNumber(ref text, Expected);
                text.AppendLiteral(" expected)");
            }

            return;
        }

        double v = (double)Value;
        if (TrainingMax is { } max && v > max)
        {
            text.AppendLiteral(", above anything seen in training (max ");
            AppendNumber(ref text, max);
            text.AppendLiteral(")");
        }
        else if (TrainingMin is { } min && v < min)
        {
            text.AppendLiteral(", below anything seen in training (min ");
            AppendNumber(ref text, min);
            text.AppendLiteral(")");
        }
        else if (NormalLow is { } low && NormalHigh is { } high)
        {
            text.AppendLiteral(" where the nearest normal rows have ");
            AppendRange(ref text, low, high);
        }
        else
        {
            text.AppendLiteral(", expected ");
            AppendNumber(ref text, Expected);
        }
    }

    /// <summary>"41-58", "-12.5 to -3.0" when an end is negative (not "-12.5--3.0"), or one number when both ends read the same.</summary>
    private static void AppendRange(ref DefaultInterpolatedStringHandler text, double low, double high)
    {
        // No number takes more than 11 characters in these formats ("-1.235E+308", "-999999.9").
        Span<char> lowText = stackalloc char[32];
        Span<char> highText = stackalloc char[32];
        int lowLength = WriteNumber(low, lowText);
        int highLength = WriteNumber(high, highText);
        text.AppendFormatted((ReadOnlySpan<char>)lowText[..lowLength]);
        if (!lowText[..lowLength].SequenceEqual(highText[..highLength]))
        {
            text.AppendLiteral(lowText[0] == '-' || highText[0] == '-' ? " to " : "-");
            text.AppendFormatted((ReadOnlySpan<char>)highText[..highLength]);
        }
    }

    private static void AppendNumber(ref DefaultInterpolatedStringHandler text, object? value)
    {
        if (value is double v)
        {
            Span<char> digits = stackalloc char[32];
            text.AppendFormatted((ReadOnlySpan<char>)digits[..WriteNumber(v, digits)]);
        }
        else
        {
            text.AppendLiteral(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
        }
    }

    /// <summary>
    /// Four significant digits for very large and very small numbers ("G4"), else at most three decimals, fewer as the
    /// number grows ("0.###", "0.0#", "0.#"). Returns the length written into <paramref name="destination"/> (32 chars).
    /// </summary>
    private static int WriteNumber(double v, Span<char> destination)
    {
        double a = Math.Abs(v);
        if (a >= 1e6 || (a < 1e-3 && a > 0) || !double.IsFinite(v))
        {
            v.TryFormat(destination, out int written, "G4", CultureInfo.InvariantCulture);
            return written;
        }

        (int min, int max) = a >= 100 ? (0, 1) : a >= 1 ? (1, 2) : (0, 3);
        FixedDecimals.TryFormat(v, min, max, destination, out int length);
        return length;
    }
}
