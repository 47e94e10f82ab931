namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// The lowest and highest value each input took in the training rows, in the column's own units. Explanations keep
/// what they call expected inside this range, and say when a value lies outside it.
/// </summary>
public sealed record FeatureRanges(double[] Min, double[] Max)
{
    /// <summary>The ranges covering both these rows and <paramref name="other"/>'s (continued training).</summary>
    public FeatureRanges Union(FeatureRanges? other) => other is null || other.Min.Length != Min.Length
        ? this
        : new FeatureRanges(Min.Zip(other.Min, Math.Min).ToArray(), Max.Zip(other.Max, Math.Max).ToArray());

    /// <summary><paramref name="value"/> of input <paramref name="input"/>, moved into its training range.</summary>
    public double Clamp(double value, int input) =>
        double.IsFinite(Min[input]) && double.IsFinite(Max[input]) && Min[input] <= Max[input]
            ? Math.Clamp(value, Min[input], Max[input])
            : value;

    /// <summary>Ranges read from a model file: used when they match the model's inputs, else none.</summary>
    public static FeatureRanges? From(double[]? min, double[]? max, int width) =>
        min is not null && max is not null && min.Length == width && max.Length == width ? new FeatureRanges(min, max) : null;
}
