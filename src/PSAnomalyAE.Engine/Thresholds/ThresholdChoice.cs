namespace PSAnomalyAE.Engine.Thresholds;

/// <summary>A chosen threshold and how it was chosen.</summary>
public sealed record ThresholdChoice(double Value, string Method, double? Parameter, int SampleCount, string Source);
