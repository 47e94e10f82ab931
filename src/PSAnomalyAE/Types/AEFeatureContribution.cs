using System.Globalization;

namespace PSAnomalyAE;

/// <summary>One feature's part in a row's reconstruction error, in the column's own units.</summary>
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
    }

    public string Feature { get; }

    /// <summary>The value in the row: a number, or for a categorical column its category.</summary>
    public object Value { get; }

    /// <summary>The value the model expected (its reconstruction) in the column's own units, or the expected category.</summary>
    public object Expected { get; }

    /// <summary>High or Low (value above or below what was expected); for categories Unseen, Unusual or Expected.</summary>
    public string Direction { get; }

    /// <summary>True for a categorical column.</summary>
    public bool IsCategorical { get; }

    /// <summary>This feature's share (0-1) of the row's reconstruction error.</summary>
    public double Share { get; }

    /// <summary>The feature's squared error in scaled units.</summary>
    public double SquaredError { get; }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Feature} {Format(Value)}, expected {Format(Expected)} ({Direction}, {Share * 100:0}%)");

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
