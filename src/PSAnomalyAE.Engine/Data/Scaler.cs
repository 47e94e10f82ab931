namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// A per-feature affine map x' = (x - Offset) / Scale whose statistics come from the training rows only.
/// A constant column gets Scale 1, so it maps to 0 rather than to NaN.
/// </summary>
public sealed class Scaler
{
    public Scaler(ScalingMethod method, double[] offset, double[] scale)
    {
        if (offset.Length != scale.Length)
        {
            throw new ArgumentException("Offset and scale must have the same length.");
        }

        if (Problem(offset, scale) is { } why)
        {
            throw new ArgumentException(why);
        }

        Method = method;
        Offset = offset;
        Scale = scale;
    }

    public ScalingMethod Method { get; }

    public double[] Offset { get; }

    public double[] Scale { get; }

    public int Count => Offset.Length;

    /// <summary>
    /// Fits the scaler to <paramref name="rows"/> rows of <paramref name="width"/> values stored row by row, every
    /// column scaled (training uses <see cref="ScalerFit"/> row by row, and leaves category indicators as they are).
    /// </summary>
    public static Scaler Fit(ScalingMethod method, ReadOnlySpan<double> data, int rows, int width)
    {
        var fit = new ScalerFit(method, width);
        for (int i = 0; i < rows; i++)
        {
            fit.Add(data.Slice(i * width, width));
        }

        return fit.Finish(null);
    }

    /// <summary>Scales row-major data into a float buffer for the network.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Transform(ReadOnlySpan<double> data, Span<float> destination)
    {
        int width = Count;
        for (int k = 0; k < data.Length; k++)
        {
            int j = k % width;
            destination[k] = (float)((data[k] - Offset[j]) / Scale[j]);
        }
    }

    /// <summary>The value in the column's own units for a scaled value of feature <paramref name="feature"/>.</summary>
    public double Inverse(double scaled, int feature) => (scaled * Scale[feature]) + Offset[feature];

    /// <summary>
    /// Why <paramref name="offset"/> and <paramref name="scale"/> cannot scale inputs into finite values, or null:
    /// every scale must be finite and at least <see cref="ModelLimits.MinScale"/> (0, negative, subnormal and NaN
    /// scales are refused), every offset finite. The message names the first bad value and its input (from 1).
    /// </summary>
    public static string? Problem(double[] offset, double[] scale)
    {
        int s = Array.FindIndex(scale, v => !(v >= ModelLimits.MinScale) || double.IsInfinity(v));
        if (s >= 0)
        {
            return FormattableString.Invariant($"Scale must be positive and finite, offset finite: every scale must be a finite number of at least {ModelLimits.MinScale}, and input {s + 1} has scale {scale[s]}.");
        }

        int o = Array.FindIndex(offset, v => !double.IsFinite(v));
        return o >= 0 ? FormattableString.Invariant($"Scale must be positive and finite, offset finite: input {o + 1} has offset {offset[o]}.") : null;
    }

    internal static bool IsUsable(double spread, double level) =>
        spread > 1e-12 * Math.Max(1, Math.Abs(level)) && double.IsFinite(spread);
}
