namespace PSAnomalyAE.Engine;

/// <summary>The activation between hidden layers.</summary>
public enum ActivationKind
{
    ReLU,
    LeakyReLU,
    Tanh,
    Sigmoid,
    ELU,
    GELU,
}

/// <summary>Everything that configures a model before it sees data: architecture and training settings.</summary>
public sealed class ModelSpec
{
    /// <summary>Encoder layer sizes from the input towards the bottleneck; the decoder mirrors them. Null: derived from the feature count.</summary>
    public int[]? HiddenSize { get; set; }

    /// <summary>Bottleneck size. Null: derived from the feature count.</summary>
    public int? LatentSize { get; set; }

    public ActivationKind Activation { get; set; } = ActivationKind.ReLU;

    public ScalingMethod Scaling { get; set; } = ScalingMethod.ZScore;

    /// <summary>The kind of autoencoder.</summary>
    public AutoencoderKind Kind { get; set; } = AutoencoderKind.Dense;

    /// <summary>Sparse: the weight of the L1 penalty on the bottleneck activations.</summary>
    public double SparsityWeight { get; set; } = 1e-3;

    /// <summary>Variational: beta, the weight of the KL term.</summary>
    public double KLWeight { get; set; } = 1;

    /// <summary>Variational: reconstructions averaged at scoring time (1 = the reconstruction of the mean).</summary>
    public int Samples { get; set; } = 1;

    /// <summary>Denoising: the standard deviation of the Gaussian noise added to scaled inputs during training.</summary>
    public double NoiseLevel { get; set; } = 0.1;

    /// <summary>Consecutive rows the network reads at once (1: each row alone). A row's score is its window's.</summary>
    public int WindowSize { get; set; } = 1;

    /// <summary>Rows between the starts of consecutive training windows.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Convolutional over images: each row's features form a grid of this height and width; null: not images.</summary>
    public int[]? ImageShape { get; set; }

    /// <summary>PCA before the network: a count of components (1 or more) or a share of variance (below 1); null: none.</summary>
    public double? PcaComponents { get; set; }

    public int Epochs { get; set; } = 100;

    public int BatchSize { get; set; } = 64;

    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Share of the training rows held out to measure validation loss (early stopping, default threshold).</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Epochs without a better validation loss before training stops; 0 turns early stopping off.</summary>
    public int Patience { get; set; } = 10;

    /// <summary>Seed for weight initialisation, the validation split and shuffling. Null: a random seed, recorded after training.</summary>
    public int? Seed { get; set; }

    /// <summary>Feature columns to use; null: every numeric column.</summary>
    public string[]? Property { get; set; }

    /// <summary>Columns never to use as features.</summary>
    public string[]? ExcludeProperty { get; set; }

    /// <summary>Columns whose values are categories (host names, states), one-hot encoded.</summary>
    public string[]? CategoricalProperty { get; set; }

    public ModelSpec Clone()
    {
        var copy = (ModelSpec)MemberwiseClone();
        copy.HiddenSize = HiddenSize?.ToArray();
        copy.Property = Property?.ToArray();
        copy.ExcludeProperty = ExcludeProperty?.ToArray();
        copy.CategoricalProperty = CategoricalProperty?.ToArray();
        copy.ImageShape = ImageShape?.ToArray();
        return copy;
    }

    /// <summary>Throws when a setting is out of range; the message names the setting.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, message);
            }
        }

        Require(HiddenSize is null || HiddenSize.All(h => h >= 1 && h <= 65536), "HiddenSize: every layer needs between 1 and 65536 units.");
        Require(LatentSize is null || (LatentSize >= 1 && LatentSize <= 65536), "LatentSize must be between 1 and 65536.");
        Require(Epochs >= 1, "Epochs must be at least 1.");
        Require(BatchSize >= 1, "BatchSize must be at least 1.");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "LearningRate must be a positive number.");
        Require(ValidationFraction >= 0 && ValidationFraction < 1, "ValidationFraction must be at least 0 and less than 1.");
        Require(Patience >= 0, "Patience must be 0 or more.");
        Require(SparsityWeight >= 0 && double.IsFinite(SparsityWeight), "SparsityWeight must be 0 or more.");
        Require(KLWeight >= 0 && double.IsFinite(KLWeight), "KLWeight must be 0 or more.");
        Require(Samples >= 1, "Samples must be at least 1.");
        Require(WindowSize >= 1 && WindowSize <= 100000, "WindowSize must be between 1 and 100000.");
        Require(Stride >= 1, "Stride must be at least 1.");
        Require(ImageShape is null || (ImageShape.Length == 2 && ImageShape.All(d => d >= 1 && d <= 4096)), "ImageShape is a height and a width, such as 28, 28.");
        Require(ImageShape is null || (Kind == AutoencoderKind.Convolutional && WindowSize == 1 && PcaComponents is null), "ImageShape goes with -Architecture Convolutional, without -WindowSize or -PcaComponents.");
        Require(NoiseLevel >= 0 && double.IsFinite(NoiseLevel), "NoiseLevel must be 0 or more.");
        Require(PcaComponents is null || PcaComponents > 0, "PcaComponents must be a count of 1 or more, or a share of variance between 0 and 1.");
    }

    /// <summary>The encoder layers used for <paramref name="features"/> inputs: the configured ones or the defaults.</summary>
    public int[] ResolveHidden(int features)
    {
        if (HiddenSize is not null)
        {
            return HiddenSize.ToArray();
        }

        int latent = ResolveLatent(features);
        int first = Math.Clamp(2 * features, 8, 128);
        return first / 4 > 2 * latent ? new[] { first, first / 4 } : new[] { first };
    }

    /// <summary>The bottleneck used for <paramref name="features"/> inputs: the configured one or about a quarter of the features.</summary>
    public int ResolveLatent(int features) =>
        LatentSize ?? Math.Clamp((int)Math.Round(features / 4.0), 1, Math.Max(1, features - 1));
}
