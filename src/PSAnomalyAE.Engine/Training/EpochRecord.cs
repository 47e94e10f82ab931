namespace PSAnomalyAE.Engine.Training;

/// <summary>One epoch of training: mean MSE on the training rows and, when rows were held out, on the validation rows.</summary>
/// <remarks>
/// For kinds with a penalty (sparse, variational) TrainLoss is reconstruction plus penalty, and the two parts are
/// kept apart; ValidationLoss is always the reconstruction error that scoring uses.
/// </remarks>
public sealed record EpochRecord(int Epoch, double TrainLoss, double? ValidationLoss, double Seconds, bool IsBest, double? TrainReconstruction = null, double? TrainPenalty = null);
