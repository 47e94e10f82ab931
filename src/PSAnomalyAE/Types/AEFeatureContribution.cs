using System.Globalization;

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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Describe()} ({Direction}, {Share * 100:0}%)");

    /// <summary>
    /// The column as an operator reads it: "cpu_pct 99.5 where the nearest normal rows have 41-58", "error_rate 8.0,
    /// above anything seen in training (max 0.9)", "host web03, unusual for the other values (web01 expected)".
    /// </summary>
    public string Describe()
    {
        string when = Step < 0 ? string.Create(CultureInfo.InvariantCulture, $" {-Step} row{(Step == -1 ? string.Empty : "s")} earlier") : string.Empty;
        string head = $"{Feature} {Format(Value)}{when}";
        if (IsCategorical)
        {
            return Direction == "Unseen"
                ? $"{head}, never seen in training"
                : $"{head}, unusual for the other values ({Format(Expected)} expected)";
        }

        double v = (double)Value;
        return TrainingMax is { } max && v > max ? $"{head}, above anything seen in training (max {Format(max)})"
            : TrainingMin is { } min && v < min ? $"{head}, below anything seen in training (min {Format(min)})"
            : NormalLow is { } low && NormalHigh is { } high ? $"{head} where the nearest normal rows have {Range(low, high)}"
            : $"{head}, expected {Format(Expected)}";
    }

    private static string Range(double low, double high) =>
        Format(low) == Format(high) ? Format(low) : $"{Format(low)}-{Format(high)}";

    internal static string Format(object value)
    {
        if (value is not double v)
        {
            return Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        double a = Math.Abs(v);
        return a >= 1e6 || (a < 1e-3 && a > 0)
            ? v.ToString("G4", CultureInfo.InvariantCulture)
            : v.ToString(a >= 100 ? "0.#" : a >= 1 ? "0.0#" : "0.###", CultureInfo.InvariantCulture);
    }
}
