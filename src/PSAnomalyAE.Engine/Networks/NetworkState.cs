using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Networks;

/// <summary>
/// Copies a network's whole state (its state_dict: parameters and buffers) out as managed arrays and back in, with
/// every name and shape checked. Used for best-weight snapshots during training and for model files.
/// </summary>
internal static class NetworkState
{
    public static List<WeightTensor> Get(AutoencoderNet net)
    {
        var list = new List<WeightTensor>();
        using var noGrad = torch.no_grad();
        foreach (var (name, t) in net.state_dict())
        {
            // Every tensor of the chain belongs to the scope: none is left for a finalizer to free during a later call.
            using var scope = NewDisposeScope();
            Tensor c = t.detach().cpu().to(ScalarType.Float32).contiguous();
            list.Add(new WeightTensor(name, c.shape.ToArray(), MemoryMarshal.Cast<byte, float>(c.bytes).ToArray()));
        }

        return list;
    }

    public static void Set(AutoencoderNet net, IReadOnlyList<WeightTensor> weights)
    {
        var byName = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (WeightTensor w in weights)
        {
            if (!byName.TryAdd(w.Name, w))
            {
                throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The stored weights name '{w.Name}' twice.");
            }
        }

        var state = net.state_dict();
        var missing = state.Keys.Where(k => !byName.ContainsKey(k)).ToList();
        var unknown = byName.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidModelFile,
                "The stored weights do not match the network the model file describes"
                + (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : string.Empty)
                + (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}" : string.Empty) + ".");
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, t) in state)
        {
            WeightTensor w = byName[name];
            if (!w.Shape.SequenceEqual(t.shape) || w.Data.Length != t.numel())
            {
                throw new AnomalyDetectionException(
                    AnomalyErrorKind.InvalidModelFile,
                    $"Weight '{name}' has shape [{string.Join(",", w.Shape)}] in the file but the network needs [{string.Join(",", t.shape)}].");
            }

            using Tensor src = torch.tensor(w.Data, w.Shape);
            t.copy_(src);
        }
    }
}
