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
}
