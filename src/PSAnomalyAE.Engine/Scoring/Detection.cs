namespace PSAnomalyAE.Engine.Scoring;

/// <summary>The verdict on one scored row.</summary>
/// <param name="Anomaly">True when the row is flagged (past the threshold, for at least MinConsecutive rows in a row).</param>
/// <param name="ScoreToThreshold">The row's score divided by the threshold: above 1 is past it.</param>
/// <param name="Severity">How far past the threshold (Normal when not flagged).</param>
/// <param name="Percentile">The share (0-100) of the model's normal reference rows whose score is at or below this one; null when the model has none.</param>
public readonly record struct Detection(bool Anomaly, double ScoreToThreshold, AnomalySeverity Severity, double? Percentile);
