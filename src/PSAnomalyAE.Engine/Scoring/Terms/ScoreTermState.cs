namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// What a score term keeps in the model file: its name, the median of its raw values on the held-out rows (null for a
/// term that is not calibrated), its numeric settings by name, and its arrays (stored in the weight block).
/// </summary>
public sealed record ScoreTermState(string Name, double? Median, IReadOnlyDictionary<string, double> Settings, IReadOnlyList<WeightTensor> Tensors)
{
    /// <summary>The setting <paramref name="key"/>, or an error naming it when the file lacks it.</summary>
    public double Setting(string key) => Settings.TryGetValue(key, out double value)
        ? value
        : throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The score term '{Name}' lacks its setting '{key}'.");

    /// <summary>The array <paramref name="name"/>, or an error naming it when the file lacks it.</summary>
    public WeightTensor Tensor(string name) => Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The score term '{Name}' lacks its array '{name}'.");

    /// <summary>The median, or an error when the term needs one and the file has none.</summary>
    public double RequireMedian() => Median is { } m && m > 0 && double.IsFinite(m)
        ? m
        : throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The score term '{Name}' has no valid median.");
}
