namespace PSAnomalyAE.Engine.Thresholds;

/// <summary>A point of the ROC curve: rows scoring at or above <see cref="Threshold"/> are called anomalies.</summary>
public sealed record RocPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate, int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives);
