namespace PSAnomalyAE.Engine.Networks;

/// <summary>A named tensor of a network's state as plain managed data: used for best-weight snapshots and model files.</summary>
public sealed record WeightTensor(string Name, long[] Shape, float[] Data);
