namespace PSAnomalyAE.Engine.Networks;

/// <summary>
/// The layer sizes training resolved for a network (see <see cref="ModelSpec.ResolveHidden"/>). Together with the
/// model's <see cref="ModelSpec"/> (kind, activation, window, image shape, penalties) it rebuilds the network.
/// </summary>
/// <param name="InputSize">Values per row the network reads: the encoded features, or the PCA components.</param>
/// <param name="HiddenSize">Encoder layers (dense kinds; the decoder mirrors them), or channels / LSTM units.</param>
/// <param name="LatentSize">The bottleneck.</param>
/// <param name="SigmoidOutput">A sigmoid on the output, for min-max scaled inputs in [0, 1].</param>
public sealed record NetworkShape(int InputSize, int[] HiddenSize, int LatentSize, bool SigmoidOutput)
{
    /// <summary>The shape a model with <paramref name="spec"/> gets for rows of <paramref name="inputSize"/> values.</summary>
    public static NetworkShape For(ModelSpec spec, int inputSize, bool pca) => new(
        inputSize,
        spec.ResolveHidden(inputSize),
        spec.ResolveLatent(inputSize),
        spec.Scaling == ScalingMethod.MinMax && !pca);

    /// <summary>
    /// Why a network of this shape with <paramref name="spec"/> cannot be built (sizes out of the ranges of
    /// <see cref="ModelLimits"/>, or more weights than <see cref="ModelLimits.MaxParameters"/>), or null when it can.
    /// Nothing is allocated: a model file's sizes are checked with it before its network is built.
    /// </summary>
    public string? Problem(ModelSpec spec)
    {
        if (InputSize < 1)
        {
            return $"its network has {InputSize} inputs; it needs 1 or more.";
        }

        if (HiddenSize is not { Length: > 0 } || HiddenSize.Any(h => h < 1 || h > ModelLimits.MaxUnits))
        {
            return $"its hidden size [{string.Join(", ", HiddenSize ?? Array.Empty<int>())}] needs 1 or more layers of 1 to {ModelLimits.MaxUnits} units each.";
        }

        if (LatentSize < 1 || LatentSize > ModelLimits.MaxUnits)
        {
            return $"its latent size {LatentSize} is not between 1 and {ModelLimits.MaxUnits}.";
        }

        if (spec.ImageShape is { Length: 2 } image && (long)image[0] * image[1] != InputSize)
        {
            return $"its image shape {image[0]} x {image[1]} does not hold its {InputSize} inputs.";
        }

        double weights = WeightCount(spec);
        return weights > ModelLimits.MaxParameters
            ? $"a {spec.Kind} network with hidden size {string.Join(" x ", HiddenSize)} and latent size {LatentSize} over {InputSize} inputs needs {Count(weights)} weights; PSAnomalyAE loads models of up to {Count(ModelLimits.MaxParameters)}."
            : null;
    }

    /// <summary>
    /// The weights and biases of the network of <paramref name="spec"/> with this shape, counted from the sizes alone
    /// (the layers of <see cref="DenseAutoencoder"/>, <see cref="ConvolutionalAutoencoder"/> and
    /// <see cref="RecurrentAutoencoder"/>). A double, so that no sizes in a file can overflow it.
    /// </summary>
    public double WeightCount(ModelSpec spec)
    {
        static double Linear(double from, double to) => (from * to) + to;

        double inputs = InputSize;
        double hidden = HiddenSize[0];
        double latent = LatentSize;
        switch (spec.Kind)
        {
            case AutoencoderKind.Convolutional:
                // Two convolutions each way (3 or 3 x 3 kernels), and the flattened channels to and from the bottleneck.
                bool image = spec.ImageShape is { Length: 2 };
                double kernel = image ? 9 : 3;
                double channelsIn = image ? 1 : inputs;
                double flat = hidden * (image ? (double)spec.ImageShape![0] * spec.ImageShape[1] : spec.WindowSize);
                return (2 * Linear(channelsIn * kernel, hidden)) + (2 * Linear(hidden * kernel, hidden)) - hidden + channelsIn
                    + Linear(flat, latent) + Linear(latent, flat);
            case AutoencoderKind.Recurrent:
                // An LSTM has four gates, each with input and recurrent weights and two biases.
                static double Lstm(double from, double units) => 4 * units * (from + units + 2);
                return Lstm(inputs, hidden) + Linear(hidden, latent) + Linear(latent, hidden) + Lstm(hidden, hidden) + Linear(hidden, inputs);
            default:
                double sample = inputs * spec.WindowSize;
                double total = 0, width = sample;
                foreach (int h in HiddenSize)
                {
                    total += Linear(width, h) + Linear(h, width);
                    width = h;
                }

                double bottleneck = spec.Kind == AutoencoderKind.Variational ? 2 * latent : latent;
                return total + Linear(width, bottleneck) + Linear(latent, width);
        }
    }

    // 4.3 billion, 268 million, 12,345.
    private static string Count(double n) =>
        n >= 1e9 ? FormattableString.Invariant($"{n / 1e9:0.#} billion")
        : n >= 1e6 ? FormattableString.Invariant($"{n / 1e6:0.#} million")
        : FormattableString.Invariant($"{n:N0}");
}
