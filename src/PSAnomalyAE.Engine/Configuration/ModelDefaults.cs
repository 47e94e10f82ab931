namespace PSAnomalyAE.Engine.Configuration;

/// <summary>
/// The default of every model and scoring setting: the one place they are written. The cmdlets' parameter defaults
/// refer to these constants, so the engine and the shell cannot drift apart.
/// </summary>
public static class ModelDefaults
{
    public const AutoencoderKind Kind = AutoencoderKind.Dense;
    public const ActivationKind Activation = ActivationKind.ReLU;
    public const ScalingMethod Scaling = ScalingMethod.ZScore;
    public const ComputeDevice Device = ComputeDevice.Cpu;
    public const int Epochs = 100;
    public const int BatchSize = 64;
    public const double LearningRate = 1e-3;
    public const double ValidationFraction = 0.2;
    public const int Patience = 10;
    public const double SparsityWeight = 1e-3;
    public const double KLWeight = 1;
    public const int Samples = 1;
    public const double NoiseLevel = 0.1;
    public const int WindowSize = 1;
    public const int Stride = 1;

    /// <summary>
    /// Intra-op CPU threads that train one network. One: the small matrices of an autoencoder gain little from a
    /// second thread on an idle machine, and libtorch's threads wait for each other at every operation, so on a busy
    /// server two threads ran at 4-12 % of one thread's speed (BENCHMARKS.md, Training).
    /// </summary>
    public const int ThreadCount = 1;

    /// <summary>What a new model's score is made of.</summary>
    public const ScoreMethod Scoring = ScoreMethod.ReconstructionAndDistance;

    /// <summary>Training samples a model keeps for the distance term: a seeded sample, so the model file stays small.</summary>
    public const int NeighbourSample = 2000;

    /// <summary>Nearest reference samples whose distances the distance term averages.</summary>
    public const int NeighbourCount = 5;

    /// <summary>The share of the training samples' variance the PCA-residual term's components explain.</summary>
    public const double PcaResidualVariance = 0.9;

    /// <summary>Training samples the PCA-residual term's components are fitted on at most (a seeded sample beyond).</summary>
    public const int PcaResidualSample = 20000;

    /// <summary>Trees of the isolation term's forest.</summary>
    public const int IsolationTrees = 100;

    /// <summary>Training samples each tree of the isolation term grows on (a seeded sample; ψ in the forest's score).</summary>
    public const int IsolationSample = 256;

    /// <summary>
    /// How much better (in mean ROC-AUC against the synthetic anomalies) a candidate score must be than
    /// <see cref="ScoreMethod.ReconstructionAndDistance"/> for <see cref="ScoreMethod.Auto"/> to choose it.
    /// </summary>
    public const double ScoreChoiceMargin = 0.02;

    /// <summary>Synthetic anomalies of each kind <see cref="ScoreMethod.Auto"/> judges the candidates on, at most.</summary>
    public const int SyntheticAnomaliesPerKind = 500;

    /// <summary>
    /// Rows per network call when scoring a stream (pipeline input), for a model that reads rows alone. Small enough
    /// that the rows waiting for their batch and the batch's arrays stay among the garbage collector's young, small
    /// objects: batches of 2,048 kept megabytes of rows alive across collections and allocated large arrays that set
    /// off a full collection almost every batch, which cost more than the network calls saved.
    /// </summary>
    public const int ScoringBatchSize = 256;

    /// <summary>
    /// The rows per network call when scoring a stream and none is given: <see cref="ScoringBatchSize"/>, or for a
    /// model that reads windows four times its context (WindowSize - 1 rows, scored again with each batch) when that
    /// is more, so the context stays at most a fifth of a batch's work.
    /// </summary>
    public static int StreamBatchSize(int windowSize) => (int)Math.Clamp(4L * (windowSize - 1), ScoringBatchSize, ModelLimits.MaxBatchSize);

    /// <summary>
    /// Rows per network call when scoring a file and no batch size is given: large enough that the per-call costs do
    /// not count, small enough that the few batches scored at once on the cores (one each) keep memory low.
    /// </summary>
    public const int FileScoringBatchSize = 4096;

    /// <summary>The percentile of the held-out rows' errors that training sets as a provisional threshold.</summary>
    public const double TrainingThresholdPercentile = 99;

    /// <summary>The percentile of normal rows' errors a threshold is chosen at when no other rule is asked for.</summary>
    public const double ThresholdPercentile = 99;

    /// <summary>A labelled threshold's objective limits when none is given: the false-positive rate, the recall, the cost of a miss in false alarms.</summary>
    public const double MaxFalsePositiveRate = 0.01;
    public const double MinRecall = 0.99;
    public const double MissCost = 10;

    /// <summary>Channels of a convolutional network over image-shaped rows, when -HiddenSize is not given.</summary>
    public const int ImageChannels = 16;

    /// <summary>Channels or LSTM units of a network over windows: twice the row width, within these bounds.</summary>
    public const int MinSequenceUnits = 16;
    public const int MaxSequenceUnits = 128;

    /// <summary>The first dense layer: twice the inputs, within these bounds.</summary>
    public const int MinFirstLayer = 8;
    public const int MaxFirstLayer = 128;
}
