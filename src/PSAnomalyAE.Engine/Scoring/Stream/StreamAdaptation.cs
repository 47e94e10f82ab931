namespace PSAnomalyAE.Engine.Scoring;

/// <summary>What a stream of rows adapts to as it is scored (flags; combine them).</summary>
[Flags]
public enum Adaptation
{
    /// <summary>The model scores every row as it was trained; its threshold applies to the score.</summary>
    None = 0,

    /// <summary>
    /// Each score is judged against the stream's own recent scores: the row's score becomes the anomaly likelihood of
    /// the recent scores under their longer-run distribution, on a 0-1 scale, so one threshold means the same on every
    /// stream and after drift.
    /// </summary>
    Likelihood = 1,

    /// <summary>
    /// A value beyond anything the stream has seen (the training range, widened by every row since) by more than a
    /// tolerance of that range gets the top score. Needs <see cref="Likelihood"/>.
    /// </summary>
    NewRange = 2,

    /// <summary>The network keeps learning from the rows it judges normal (Adam steps on a buffer of recent normal rows).</summary>
    Learning = 4,

    /// <summary>The setup for a live metric: <see cref="Likelihood"/>, <see cref="NewRange"/> and <see cref="Learning"/>.</summary>
    Stream = Likelihood | NewRange | Learning,
}

/// <summary>The settings of an adapting stream. Saved with the stream's state: a later run must use the same ones.</summary>
public sealed record StreamAdaptation
{
    /// <summary>The threshold of a likelihood score: 0.5 is a likelihood of 0.99999, as HTM's detectors use.</summary>
    public const double DefaultLikelihoodThreshold = 0.5;

    /// <summary>Rows before the likelihood judges: HTM's anomaly likelihood learns from 288 scores and estimates from 100.</summary>
    public const int DefaultWarmUpRows = 388;

    /// <summary>Rows judged normal between two learning steps.</summary>
    public const int DefaultLearnEvery = 16;

    public Adaptation Mode { get; init; } = Adaptation.Stream;

    /// <summary>
    /// Scored rows before the likelihood judges (its score is 0.5 likelihood until then): the first half only fills
    /// the history, the second half gives the first estimate of the scores' distribution.
    /// </summary>
    public int WarmUpRows { get; init; } = DefaultWarmUpRows;

    /// <summary>Scores averaged into the recent value the likelihood judges.</summary>
    public int AveragingWindow { get; init; } = 10;

    /// <summary>Averaged scores kept as the longer-run history (8640: a month of 5-minute rows, as HTM keeps).</summary>
    public int HistoryRows { get; init; } = 8640;

    /// <summary>Rows between two estimates of the history's distribution.</summary>
    public int ReestimateEvery { get; init; } = 100;

    /// <summary>How far beyond the range seen a value must be, as a share of that range, for <see cref="Adaptation.NewRange"/>.</summary>
    public double RangeTolerance { get; init; } = 0.05;

    /// <summary>Rows judged normal between two learning steps (the pace of <see cref="Adaptation.Learning"/>).</summary>
    public int LearnEvery { get; init; } = DefaultLearnEvery;

    /// <summary>Samples per learning step, drawn from the buffer of recent normal rows.</summary>
    public int LearnBatch { get; init; } = 64;

    /// <summary>Recent normal samples kept to learn from.</summary>
    public int BufferSamples { get; init; } = 512;

    /// <summary>The learning rate of the steps; null: the model's own.</summary>
    public double? LearningRate { get; init; }

    public bool Has(Adaptation flag) => (Mode & flag) == flag;

    /// <summary>Throws when the settings cannot work together.</summary>
    public void Validate()
    {
        if (Mode.HasFlag(Adaptation.NewRange) && !Mode.HasFlag(Adaptation.Likelihood))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "NewRange adaptation gives a row the top likelihood score, so it needs Likelihood as well.");
        }

        if (WarmUpRows < 2 || AveragingWindow < 1 || HistoryRows < 2 || ReestimateEvery < 1 || LearnEvery < 1 || LearnBatch < 1 || BufferSamples < 1
            || !(RangeTolerance >= 0) || LearningRate is <= 0 or double.NaN or double.PositiveInfinity)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The stream's adaptation settings are out of range: warm-up rows at least 2, learning rate above 0, the other counts at least 1 and the range tolerance 0 or more.");
        }
    }
}
