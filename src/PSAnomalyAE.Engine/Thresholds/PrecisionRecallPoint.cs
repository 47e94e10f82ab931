namespace PSAnomalyAE.Engine.Thresholds;

/// <summary>A point of the precision-recall curve.</summary>
public sealed record PrecisionRecallPoint(double Threshold, double Precision, double Recall);
