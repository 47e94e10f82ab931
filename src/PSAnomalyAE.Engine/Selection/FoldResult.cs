namespace PSAnomalyAE.Engine.Selection;

/// <summary>One model trained on k-1 folds and scored on the held-out fold.</summary>
public sealed record FoldResult(int LatentSize, int Fold, double MeanError, double Seconds, double? RocAuc);
