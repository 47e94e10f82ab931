using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Networks;

/// <summary>A training loss and its parts: reconstruction, and the kind's penalty (sparsity or KL) when it has one.</summary>
internal readonly record struct LossParts(Tensor Total, Tensor Reconstruction, Tensor? Penalty);
