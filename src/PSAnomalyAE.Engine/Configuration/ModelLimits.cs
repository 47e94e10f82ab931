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

    /// <summary>
    /// The most weights and biases a loaded network may have: 2^28 (268 million, 1 GiB of float32). The networks the
    /// module builds by default have layers of at most <see cref="ModelDefaults.MaxFirstLayer"/> units and stay far
    /// below a million; even a hand-sized 8192-unit layer over 4096 inputs (67 million, mirrored 134 million) fits.
    /// Loading a network costs several times its weights in memory (file, copy, network), so this stays far below what
    /// exhausts a machine. A model file states its sizes before its weights, and a small file that asks for a
    /// 65536 x 65536 layer (4.3 billion weights, 17 GB) is refused before anything is allocated.
    /// </summary>
    public const long MaxParameters = 1L << 28;

    /// <summary>
    /// The smallest scale a loaded scaler may divide a feature by: the smallest spread <see cref="Data.Scaler.Fit"/>
    /// keeps for a column (a smaller one counts as constant and gets scale 1), so every model the module trains meets
    /// it. Far smaller scales make scaled values meaningless, and subnormal ones (1e-320) turn a difference of 1 into
    /// infinity, so no score could be finite.
    /// </summary>
    public const double MinScale = 1e-12;
}
