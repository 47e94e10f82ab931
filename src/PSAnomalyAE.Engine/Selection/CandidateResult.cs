namespace PSAnomalyAE.Engine.Selection;

/// <summary>A bottleneck size and how well it reconstructs rows it was not trained on.</summary>
public sealed record CandidateResult(
    int LatentSize,
    int Folds,
    double MeanError,
    double StdDev,
    double StandardError,
    double Seconds,
    double? RocAuc,
    bool Recommended);
