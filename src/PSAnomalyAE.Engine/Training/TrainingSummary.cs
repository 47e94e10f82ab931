namespace PSAnomalyAE.Engine.Training;

/// <summary>What a training run did.</summary>
public sealed record TrainingSummary(
    int Rows,
    int TrainRows,
    int ValidationRows,
    int EpochsRun,
    int BestEpoch,
    double BestLoss,
    bool StoppedEarly,
    bool Cancelled,
    int Seed,
    int Threads,
    double Seconds,
    DateTime TrainedAtUtc);
