namespace PSAnomalyAE.Engine.Configuration;

/// <summary>
/// The valid range of every model setting: the one place they are written. <see cref="ModelSpec.Validate"/> checks
/// them, and the cmdlets' ValidateRange attributes refer to the same constants.
/// </summary>
public static class ModelLimits
{
    public const int MaxUnits = 65536;
    public const int MaxEpochs = 1_000_000;
    public const int MaxBatchSize = 1_048_576;
    public const double MinLearningRate = 1e-8;
    public const double MaxLearningRate = 10;
    public const double MaxValidationFraction = 0.9;
    public const int MaxPatience = 1_000_000;
    public const double MaxPenaltyWeight = 1000;
    public const int MaxSamples = 1000;
    public const double MaxNoiseLevel = 100;
    public const int MaxWindowSize = 100_000;
    public const int MaxImageSide = 4096;
    public const double MinPcaComponents = 1e-6;
    public const double MaxPcaComponents = 100_000;
    public const int MaxThreadCount = 1024;
}
