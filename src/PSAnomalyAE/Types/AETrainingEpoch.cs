using System.Globalization;

namespace PSAnomalyAE;

/// <summary>One epoch of training.</summary>
public sealed class AETrainingEpoch
{
    internal AETrainingEpoch(EpochRecord e)
    {
        Epoch = e.Epoch;
        TrainLoss = e.TrainLoss;
        ValidationLoss = e.ValidationLoss;
        Seconds = e.Seconds;
        IsBest = e.IsBest;
        TrainReconstruction = e.TrainReconstruction;
        TrainPenalty = e.TrainPenalty;
    }

    /// <summary>Sparse and variational kinds: the reconstruction part of TrainLoss.</summary>
    public double? TrainReconstruction { get; }

    /// <summary>Sparse and variational kinds: the penalty part of TrainLoss (weighted L1 sparsity, or weighted KL divergence).</summary>
    public double? TrainPenalty { get; }

    public int Epoch { get; }

    /// <summary>Mean squared reconstruction error on the training rows (scaled units).</summary>
    public double TrainLoss { get; }

    /// <summary>Mean squared reconstruction error on the held-out validation rows; null when none were held out.</summary>
    public double? ValidationLoss { get; }

    public double Seconds { get; }

    /// <summary>True when this epoch had the lowest loss so far.</summary>
    public bool IsBest { get; }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Epoch {Epoch}: train {TrainLoss:G4}, validation {(ValidationLoss is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "n/a")}");
}
