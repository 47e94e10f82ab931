namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// Checks the values of a model file's JSON header that size what loading allocates, or that no model could have:
/// settings in range, a network within <see cref="ModelLimits"/> (<see cref="NetworkShape.Problem"/>), a tensor table
/// inside the weight block, a usable scaler, unique feature names and a finite threshold of 0 or more. It runs on every
/// header read (<see cref="ModelFileHeader.Read"/>), before any weight is read or any network built, so a small
/// hostile file (or a deserialized model carrying one) is refused with the module's error instead of allocating
/// gigabytes or failing inside libtorch.
/// </summary>
internal static class ModelRecordCheck
{
    /// <summary>
    /// Throws <paramref name="damaged"/>'s error for the first problem of <paramref name="header"/>, whose weight block
    /// holds <paramref name="weightFloats"/> values. The required parts (settings, network, features, tensors) are present.
    /// </summary>
    public static void Check(ModelRecord header, long weightFloats, Func<string, Exception> damaged)
    {
        string? why = SettingsProblem(header.Spec!) ?? NetworkProblem(header) ?? TableProblem(header.Tensors!, weightFloats)
            ?? FeatureProblem(header.Features!) ?? ScalerProblem(header.Scaling) ?? ThresholdProblem(header.Threshold);
        if (why is not null)
        {
            throw damaged(why);
        }
    }

    private static string? SettingsProblem(ModelSpec spec)
    {
        if (!Enum.IsDefined(spec.Kind) || !Enum.IsDefined(spec.Activation) || !Enum.IsDefined(spec.Scaling) || !Enum.IsDefined(spec.Scoring))
        {
            return $"its settings name an unknown architecture, activation, scaling or score ({spec.Kind}, {spec.Activation}, {spec.Scaling}, {spec.Scoring}).";
        }

        try
        {
            spec.Validate();
            return null;
        }
        catch (AnomalyDetectionException ex)
        {
            return ex.Message;
        }
    }

    private static string? NetworkProblem(ModelRecord header)
    {
        NetworkRecord n = header.Network!;
        if (header.Pca is { } p && (p.Count < 1 || p.Count > ModelLimits.MaxPcaComponents || p.Mean is null || p.Components is null
            || (long)p.Count * p.Mean.Length != p.Components.LongLength))
        {
            return $"its PCA basis of {p.Count} components does not match its mean.";
        }

        return new NetworkShape(n.InputSize, n.HiddenSize ?? Array.Empty<int>(), n.LatentSize, n.SigmoidOutput).Problem(header.Spec!);
    }

    // Every tensor lies inside the weight block, its shape's product is its length, and the lengths add up to at most the block.
    private static string? TableProblem(List<TensorEntry> tensors, long weightFloats)
    {
        long total = 0;
        foreach (TensorEntry t in tensors)
        {
            if (t is null || t.Shape is null || t.Length < 0 || t.Offset < 0 || t.Length > weightFloats || t.Offset > weightFloats - t.Length
                || ShapeCount(t.Shape) != t.Length || (total += t.Length) > weightFloats)
            {
                return $"the table entry for weight '{t?.Name}' is inconsistent.";
            }
        }

        return null;
    }

    // The product of a tensor's dimensions, or -1 when one is negative or the product exceeds any weight block.
    private static long ShapeCount(long[] shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0 || (d > 0 && count > long.MaxValue / d))
            {
                return -1;
            }

            count *= d;
        }

        return count;
    }

    private static string? FeatureProblem(string[] features)
    {
        if (features.Any(string.IsNullOrWhiteSpace))
        {
            return "a feature name is empty.";
        }

        string? repeated = features.GroupBy(f => f, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        return repeated is null ? null : $"its feature '{repeated}' is listed more than once (feature names are unique, ignoring case).";
    }

    private static string? ScalerProblem(ScalingRecord? scaling) =>
        scaling is null ? null
        : scaling.Offset is null || scaling.Scale is null || scaling.Offset.Length != scaling.Scale.Length ? "its scaler's offsets and scales differ in number."
        : Scaler.Problem(scaling.Offset, scaling.Scale) is { } why ? "its scaler cannot give finite scores. " + why
        : null;

    private static string? ThresholdProblem(ThresholdRecord? threshold) =>
        threshold is { } t && !(double.IsFinite(t.Value) && t.Value >= 0)
            ? FormattableString.Invariant($"its threshold {t.Value} is not a finite number of 0 or more.")
            : null;
}
