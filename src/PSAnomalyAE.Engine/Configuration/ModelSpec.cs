using System.Reflection;
using System.Text.Json.Serialization;

namespace PSAnomalyAE.Engine.Configuration;

/// <summary>
/// Everything that configures a model before it sees data: architecture and training settings. A model file saves
/// these properties under their names and in this order (see Persistence/SpecJson), all but those marked
/// [JsonIgnore]: renaming or moving one changes the file format.
/// </summary>
public sealed class ModelSpec
{
    /// <summary>The settings that define a trained network; continued training keeps them (see <see cref="NetworkSettingsChangedFrom"/>).</summary>
    private static readonly (string Name, Func<ModelSpec, object?> Value)[] s_networkSettings =
    {
        ("Architecture", s => s.Kind),
        (nameof(Activation), s => s.Activation),
        (nameof(Scaling), s => s.Scaling),
        (nameof(WindowSize), s => s.WindowSize),
        (nameof(ImageShape), s => s.ImageShape),
        (nameof(PcaComponents), s => s.PcaComponents),
        (nameof(HiddenSize), s => s.HiddenSize),
        (nameof(LatentSize), s => s.LatentSize),
        (nameof(Scoring), s => s.Scoring),
        (nameof(Property), s => s.Property),
        (nameof(ExcludeProperty), s => s.ExcludeProperty),
        (nameof(CategoricalProperty), s => s.CategoricalProperty),
    };

    private static readonly PropertyInfo[] s_arrays = typeof(ModelSpec).GetProperties().Where(p => p.PropertyType.IsArray && p.CanWrite).ToArray();

    /// <summary>Encoder layer sizes from the input towards the bottleneck; the decoder mirrors them. Null: derived from the feature count.</summary>
    public int[]? HiddenSize { get; set; }

    /// <summary>Bottleneck size. Null: derived from the feature count.</summary>
    public int? LatentSize { get; set; }

    public ActivationKind Activation { get; set; } = ModelDefaults.Activation;

    public ScalingMethod Scaling { get; set; } = ModelDefaults.Scaling;

    /// <summary>
    /// What a row's score is made of: the reconstruction error with the distance to the nearest training rows, or the
    /// reconstruction error alone (the terms of each: <see cref="ScoreTerms.For"/>). "Score" in the model file.
    /// </summary>
    [JsonPropertyName(SpecJson.ScoringName)]
    public ScoreMethod Scoring { get; set; } = ModelDefaults.Scoring;

    /// <summary>The kind of autoencoder.</summary>
    public AutoencoderKind Kind { get; set; } = ModelDefaults.Kind;

    /// <summary>Sparse: the weight of the L1 penalty on the bottleneck activations.</summary>
    public double SparsityWeight { get; set; } = ModelDefaults.SparsityWeight;

    /// <summary>Variational: beta, the weight of the KL term.</summary>
    public double KLWeight { get; set; } = ModelDefaults.KLWeight;

    /// <summary>Variational: reconstructions averaged at scoring time (1 = the reconstruction of the mean).</summary>
    public int Samples { get; set; } = ModelDefaults.Samples;

    /// <summary>Denoising: the standard deviation of the Gaussian noise added to scaled inputs during training.</summary>
    public double NoiseLevel { get; set; } = ModelDefaults.NoiseLevel;

    /// <summary>Consecutive rows the network reads at once (1: each row alone). A row's score is its window's.</summary>
    public int WindowSize { get; set; } = ModelDefaults.WindowSize;

    /// <summary>Rows between the starts of consecutive training windows.</summary>
    public int Stride { get; set; } = ModelDefaults.Stride;

    /// <summary>Convolutional over images: each row's features form a grid of this height and width; null: not images.</summary>
    public int[]? ImageShape { get; set; }

    /// <summary>PCA before the network: a count of components (1 or more) or a share of variance (below 1); null: none.</summary>
    public double? PcaComponents { get; set; }

    public int Epochs { get; set; } = ModelDefaults.Epochs;

    public int BatchSize { get; set; } = ModelDefaults.BatchSize;

    public double LearningRate { get; set; } = ModelDefaults.LearningRate;

    /// <summary>Share of the training rows held out to measure validation loss (early stopping, default threshold).</summary>
    public double ValidationFraction { get; set; } = ModelDefaults.ValidationFraction;

    /// <summary>Epochs without a better validation loss before training stops; 0 turns early stopping off.</summary>
    public int Patience { get; set; } = ModelDefaults.Patience;

    /// <summary>
    /// CPU threads for training: libtorch intra-op threads of one network, or for cross-validation the networks
    /// trained at once (one thread each). Null: <see cref="ModelDefaults.ThreadCount"/> for one network, every
    /// logical CPU for cross-validation. Not part of the model: results are reproducible for a seed and thread count.
    /// </summary>
    [JsonIgnore]
    public int? ThreadCount { get; set; }

    /// <summary>Where the network trains (not part of the model: a trained network is always kept on the CPU).</summary>
    [JsonIgnore]
    public ComputeDevice Device { get; set; } = ModelDefaults.Device;

    /// <summary>Seed for weight initialisation, the validation split and shuffling. Null: a random seed, recorded after training.</summary>
    public int? Seed { get; set; }

    /// <summary>Feature columns to use; null: every numeric column.</summary>
    public string[]? Property { get; set; }

    /// <summary>Columns never to use as features.</summary>
    public string[]? ExcludeProperty { get; set; }

    /// <summary>Columns whose values are categories (host names, states), one-hot encoded.</summary>
    public string[]? CategoricalProperty { get; set; }

    /// <summary>The column the training rows were sorted by; scoring warns when a windowed model's rows go back in time.</summary>
    public string? TimestampProperty { get; set; }

    /// <summary>A copy of every setting, with copies of the arrays: changing the copy never changes this spec.</summary>
    public ModelSpec Clone()
    {
        var copy = (ModelSpec)MemberwiseClone();
        foreach (PropertyInfo array in s_arrays)
        {
            array.SetValue(copy, (array.GetValue(this) as Array)?.Clone());
        }

        return copy;
    }

    /// <summary>
    /// The settings that define the network (its inputs, layers and what its scores are made of) and differ from those of
    /// <paramref name="other"/>, by the names the model shows them under (Architecture for <see cref="Kind"/>). Column
    /// lists compare without regard to case, and a missing list equals an empty one.
    /// </summary>
    public IReadOnlyList<string> NetworkSettingsChangedFrom(ModelSpec other) =>
        s_networkSettings.Where(s => !Same(s.Value(this), s.Value(other))).Select(s => s.Name).ToList();

    private static bool Same(object? a, object? b) => a is string[] || b is string[]
        ? ((string[]?)a ?? Array.Empty<string>()).SequenceEqual((string[]?)b ?? Array.Empty<string>(), StringComparer.OrdinalIgnoreCase)
        : a is int[] x && b is int[] y ? x.SequenceEqual(y) : Equals(a, b);

    /// <summary>Throws when a setting is out of range (see <see cref="ModelLimits"/>); the message names the setting.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, message);
            }
        }

        static bool Within(double value, double min, double max) => value >= min && value <= max && double.IsFinite(value);

        Require(HiddenSize is null || HiddenSize.All(h => h >= 1 && h <= ModelLimits.MaxUnits), $"HiddenSize: every layer needs between 1 and {ModelLimits.MaxUnits} units.");
        Require(LatentSize is null || (LatentSize >= 1 && LatentSize <= ModelLimits.MaxUnits), $"LatentSize must be between 1 and {ModelLimits.MaxUnits}.");
        Require(Epochs >= 1 && Epochs <= ModelLimits.MaxEpochs, $"Epochs must be between 1 and {ModelLimits.MaxEpochs}.");
        Require(BatchSize >= 1 && BatchSize <= ModelLimits.MaxBatchSize, $"BatchSize must be between 1 and {ModelLimits.MaxBatchSize}.");
        Require(Within(LearningRate, ModelLimits.MinLearningRate, ModelLimits.MaxLearningRate), $"LearningRate must be between {ModelLimits.MinLearningRate} and {ModelLimits.MaxLearningRate}.");
        Require(Within(ValidationFraction, 0, ModelLimits.MaxValidationFraction), $"ValidationFraction must be between 0 and {ModelLimits.MaxValidationFraction}.");
        Require(Patience >= 0 && Patience <= ModelLimits.MaxPatience, "Patience must be 0 or more.");
        Require(Within(SparsityWeight, 0, ModelLimits.MaxPenaltyWeight), $"SparsityWeight must be between 0 and {ModelLimits.MaxPenaltyWeight}.");
        Require(Within(KLWeight, 0, ModelLimits.MaxPenaltyWeight), $"KLWeight must be between 0 and {ModelLimits.MaxPenaltyWeight}.");
        Require(Samples >= 1 && Samples <= ModelLimits.MaxSamples, $"Samples must be between 1 and {ModelLimits.MaxSamples}.");
        Require(WindowSize >= 1 && WindowSize <= ModelLimits.MaxWindowSize, $"WindowSize must be between 1 and {ModelLimits.MaxWindowSize}.");
        Require(Stride >= 1 && Stride <= ModelLimits.MaxWindowSize, $"Stride must be between 1 and {ModelLimits.MaxWindowSize}.");
        Require(ImageShape is null || (ImageShape.Length == 2 && ImageShape.All(d => d >= 1 && d <= ModelLimits.MaxImageSide)), "ImageShape is a height and a width, such as 28, 28.");
        Require(ImageShape is null || (Kind == AutoencoderKind.Convolutional && WindowSize == 1 && PcaComponents is null), "ImageShape goes with the Convolutional architecture, without WindowSize or PcaComponents.");
        Require(Within(NoiseLevel, 0, ModelLimits.MaxNoiseLevel), $"NoiseLevel must be between 0 and {ModelLimits.MaxNoiseLevel}.");
        Require(ThreadCount is null || (ThreadCount >= 1 && ThreadCount <= ModelLimits.MaxThreadCount), $"ThreadCount must be between 1 and {ModelLimits.MaxThreadCount}.");
        Require(PcaComponents is null || Within(PcaComponents.Value, ModelLimits.MinPcaComponents, ModelLimits.MaxPcaComponents), "PcaComponents must be a count of 1 or more, or a share of variance between 0 and 1.");
    }

    /// <summary>True for the kinds that read a window of consecutive rows as a sequence (not flattened).</summary>
    [JsonIgnore]
    public bool ReadsSequence => Kind is AutoencoderKind.Convolutional or AutoencoderKind.Recurrent && ImageShape is null;

    /// <summary>
    /// The hidden layers used for rows <paramref name="rowWidth"/> inputs wide: the configured ones, or the defaults.
    /// Dense kinds read a window flattened, so their layers follow the window's size; a network over windows uses its
    /// first hidden size as channels or LSTM units; one over images as channels.
    /// </summary>
    public int[] ResolveHidden(int rowWidth)
    {
        if (HiddenSize is not null)
        {
            return HiddenSize.ToArray();
        }

        if (ImageShape is not null)
        {
            return new[] { ModelDefaults.ImageChannels };
        }

        if (ReadsSequence)
        {
            return new[] { Math.Clamp(2 * rowWidth, ModelDefaults.MinSequenceUnits, ModelDefaults.MaxSequenceUnits) };
        }

        int inputs = rowWidth * WindowSize;
        int latent = ResolveLatent(rowWidth);
        int first = Math.Clamp(2 * inputs, ModelDefaults.MinFirstLayer, ModelDefaults.MaxFirstLayer);
        return first / 4 > 2 * latent ? new[] { first, first / 4 } : new[] { first };
    }

    /// <summary>The bottleneck used for rows <paramref name="rowWidth"/> inputs wide: the configured one or about a quarter of the inputs a sample holds.</summary>
    public int ResolveLatent(int rowWidth)
    {
        int inputs = rowWidth * WindowSize;
        return LatentSize ?? Math.Clamp((int)Math.Round(inputs / 4.0), 1, Math.Max(1, inputs - 1));
    }
}
