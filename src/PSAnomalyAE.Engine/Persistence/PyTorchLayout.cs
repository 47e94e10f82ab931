namespace PSAnomalyAE.Engine.Persistence;

/// <summary>One Linear layer of the network: where it sits in the plain nn.Sequential and in the engine's dense network.</summary>
/// <param name="Layer">0-based position among the Linear layers.</param>
/// <param name="SequentialIndex">Its module index in the single nn.Sequential (state_dict keys "{index}.weight/bias").</param>
/// <param name="DenseName">Its module name in the engine's dense autoencoder ("encoder.{k}" or "decoder.{k}").</param>
/// <param name="In">Input width.</param>
/// <param name="Out">Output width.</param>
public sealed record LinearSlot(int Layer, int SequentialIndex, string DenseName, int In, int Out)
{
    public string SequentialWeight => $"{SequentialIndex}.weight";

    public string SequentialBias => $"{SequentialIndex}.bias";

    public string DenseWeight => DenseName + ".weight";

    public string DenseBias => DenseName + ".bias";

    /// <summary>torch.nn.Linear stores its weight as [out, in].</summary>
    public long[] WeightShape => new long[] { Out, In };

    public long[] BiasShape => new long[] { Out };
}

/// <summary>
/// Maps weights between one plain <c>torch.nn.Sequential</c> (state_dict keys "0.weight", "0.bias", "2.weight", ...;
/// the missing indices are the activations) and the engine's dense autoencoder, whose Linear layers live in two
/// Sequentials, <c>encoder</c> and <c>decoder</c> ("encoder.0.weight", ..., "decoder.0.weight", ...). Both directions
/// are pure functions of the layer widths (see <see cref="PyTorchConfig"/>): every expected key must be present, no
/// other key may be, every shape must be exactly the expected one (no broadcasting) and every value finite.
/// </summary>
public static class PyTorchLayout
{
    /// <summary>
    /// The Linear layers of a network with <paramref name="layers"/> widths. In the single Sequential an activation
    /// follows every Linear except the one into the bottleneck and the last; in the engine the encoder Sequential
    /// holds the Linears up to the bottleneck (activations at odd indices) and the decoder the rest.
    /// </summary>
    public static IReadOnlyList<LinearSlot> Slots(int[] layers)
    {
        if (layers.Length < 3 || layers.Length % 2 == 0)
        {
            throw PyTorchConfig.Invalid($"layers [{string.Join(", ", layers)}] must list an odd number (3 or more) of widths.");
        }

        int linears = layers.Length - 1;
        int bottleneck = linears / 2; // Linear layers 0 .. bottleneck-1 form the encoder
        var slots = new List<LinearSlot>(linears);
        int index = 0;
        for (int m = 0; m < linears; m++)
        {
            string dense = m < bottleneck ? $"encoder.{2 * m}" : $"decoder.{2 * (m - bottleneck)}";
            slots.Add(new LinearSlot(m, index, dense, layers[m], layers[m + 1]));
            bool activationFollows = m != bottleneck - 1 && m != linears - 1;
            index += activationFollows ? 2 : 1;
        }

        return slots;
    }

    /// <summary>The state_dict keys a plain nn.Sequential with <paramref name="layers"/> widths has, in module order.</summary>
    public static IReadOnlyList<string> SequentialKeys(int[] layers) =>
        Slots(layers).SelectMany(s => new[] { s.SequentialWeight, s.SequentialBias }).ToList();

    /// <summary>
    /// Renames and checks the tensors of a plain nn.Sequential state_dict (as read from safetensors) into the
    /// engine's dense network names. Throws <see cref="AnomalyDetectionException"/> (InvalidModelFile) naming the key,
    /// the expected and the found shape at the first problem.
    /// </summary>
    public static IReadOnlyList<WeightTensor> ToDense(IReadOnlyList<WeightTensor> sequential, int[] layers, string source = "the weights file") =>
        Map(sequential, layers, source, fromSequential: true);

    /// <summary>Renames and checks the engine's dense network weights into plain nn.Sequential state_dict keys.</summary>
    public static IReadOnlyList<WeightTensor> ToSequential(IReadOnlyList<WeightTensor> dense, int[] layers, string source = "the model") =>
        Map(dense, layers, source, fromSequential: false);

    private static IReadOnlyList<WeightTensor> Map(IReadOnlyList<WeightTensor> tensors, int[] layers, string source, bool fromSequential)
    {
        IReadOnlyList<LinearSlot> slots = Slots(layers);
        string shapeText = "layers [" + string.Join(", ", layers) + "]";
        var byName = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (WeightTensor t in tensors)
        {
            if (!byName.TryAdd(t.Name, t))
            {
                throw PyTorchConfig.Invalid($"{source} holds '{t.Name}' twice.");
            }
        }

        var expected = new List<(string From, string To, long[] Shape, LinearSlot Slot, bool IsWeight)>();
        foreach (LinearSlot s in slots)
        {
            expected.Add(fromSequential
                ? (s.SequentialWeight, s.DenseWeight, s.WeightShape, s, true)
                : (s.DenseWeight, s.SequentialWeight, s.WeightShape, s, true));
            expected.Add(fromSequential
                ? (s.SequentialBias, s.DenseBias, s.BiasShape, s, false)
                : (s.DenseBias, s.SequentialBias, s.BiasShape, s, false));
        }

        var known = expected.Select(e => e.From).ToHashSet(StringComparer.Ordinal);
        string expectedList = string.Join(", ", expected.Select(e => e.From));
        foreach (WeightTensor t in tensors)
        {
            if (!known.Contains(t.Name))
            {
                string hint = fromSequential && !char.IsAsciiDigit(t.Name.FirstOrDefault())
                    ? " Keys must be those of one plain nn.Sequential: save seq.state_dict(), not the state_dict of a module that holds it."
                    : fromSequential
                        ? " An activation after the bottleneck Linear, or a missing one between other Linear layers, shifts the module numbers."
                        : string.Empty;
                throw PyTorchConfig.Invalid($"{source} holds '{t.Name}', which a network with {shapeText} does not have; it expects exactly {expectedList}.{hint}");
            }
        }

        var result = new List<WeightTensor>(expected.Count);
        foreach (var (from, to, shape, slot, isWeight) in expected)
        {
            string what = $"Linear layer {slot.Layer} ({slot.In} -> {slot.Out}) {(isWeight ? "weight [out, in]" : "bias [out]")}";
            if (!byName.TryGetValue(from, out WeightTensor? t))
            {
                throw PyTorchConfig.Invalid($"{source} lacks '{from}': the {what} of a network with {shapeText}, shape [{string.Join(", ", shape)}].");
            }

            if (!t.Shape.SequenceEqual(shape))
            {
                throw PyTorchConfig.Invalid($"'{from}' in {source} has shape [{string.Join(", ", t.Shape)}] but the {what} of a network with {shapeText} needs [{string.Join(", ", shape)}].");
            }

            if (t.Data.LongLength != shape.Aggregate(1L, (a, b) => a * b))
            {
                throw PyTorchConfig.Invalid($"'{from}' in {source} has shape [{string.Join(", ", shape)}] but {t.Data.LongLength} values.");
            }

            int bad = Array.FindIndex(t.Data, v => !float.IsFinite(v));
            if (bad >= 0)
            {
                throw PyTorchConfig.Invalid($"'{from}' in {source} holds a value that is not a finite number ({t.Data[bad]} at element {bad}).");
            }

            result.Add(new WeightTensor(to, shape.ToArray(), t.Data.ToArray()));
        }

        return result;
    }
}
