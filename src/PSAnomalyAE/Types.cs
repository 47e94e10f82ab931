using System.Globalization;
using PSAnomalyAE.Engine;

namespace PSAnomalyAE;

/// <summary>The activation between hidden layers.</summary>
public enum AEActivation
{
    ReLU,
    LeakyReLU,
    Tanh,
    Sigmoid,
    ELU,
    GELU,
}

/// <summary>The kind of autoencoder.</summary>
public enum AEArchitecture
{
    /// <summary>Dense layers down to a linear bottleneck and back.</summary>
    Dense,
    /// <summary>Dense with a ReLU bottleneck under an L1 penalty (-SparsityWeight).</summary>
    Sparse,
    /// <summary>A variational autoencoder: reconstruction + -KLWeight x KL divergence.</summary>
    Variational,
    /// <summary>Dense, trained to undo Gaussian noise (-NoiseLevel) added to its inputs.</summary>
    Denoising,
    /// <summary>1-D convolutions along windows of consecutive rows (-WindowSize).</summary>
    Convolutional,
    /// <summary>An LSTM encoder-decoder over windows of consecutive rows (-WindowSize).</summary>
    Recurrent,
}

/// <summary>How features are standardised before they reach the network.</summary>
public enum AEScaling
{
    /// <summary>(x - mean) / standard deviation of the training rows.</summary>
    ZScore,
    /// <summary>(x - min) / (max - min) of the training rows.</summary>
    MinMax,
    /// <summary>No scaling.</summary>
    None,
}

/// <summary>How Find-AEThreshold chooses a threshold from labelled rows.</summary>
public enum AEThresholdObjective
{
    /// <summary>The highest F1 score.</summary>
    F1,
    /// <summary>The largest true-positive rate minus false-positive rate.</summary>
    Youden,
    /// <summary>The highest recall with a false-positive rate at most -ObjectiveValue (default 0.01).</summary>
    MaxFalsePositiveRate,
    /// <summary>The fewest false alarms while catching at least -ObjectiveValue of the anomalies (default 0.99).</summary>
    MinRecall,
    /// <summary>The lowest cost when a miss costs -ObjectiveValue false alarms (default 10).</summary>
    Cost,
}

/// <summary>What to do with a missing value (empty, $null, NA, NaN) in a feature column.</summary>
public enum AEMissingValue
{
    /// <summary>Write a non-terminating error for the row and leave it out.</summary>
    Error,
    /// <summary>Leave the row out; a warning at the end says how many.</summary>
    Skip,
    /// <summary>Use the feature's training mean; a warning at the end says how many values.</summary>
    Impute,
}

/// <summary>An autoencoder anomaly model. Create one with New-AEModel, train it with Invoke-AETraining.</summary>
public sealed class AEModel : IDisposable
{
    internal AEModel(AnomalyModel engine)
    {
        Engine = engine;
    }

    internal AnomalyModel Engine { get; private set; }

    /// <summary>The network kind.</summary>
    public AEArchitecture Architecture => (AEArchitecture)(int)Engine.Spec.Kind;

    /// <summary>Sparse: the L1 penalty's weight on the bottleneck activations.</summary>
    public double SparsityWeight => Engine.Spec.SparsityWeight;

    /// <summary>Variational: beta, the weight of the KL term.</summary>
    public double KLWeight => Engine.Spec.KLWeight;

    /// <summary>Variational: reconstructions averaged per row when scoring.</summary>
    public int Samples => Engine.Spec.Samples;

    /// <summary>Denoising: the noise added to scaled inputs in training.</summary>
    public double NoiseLevel => Engine.Spec.NoiseLevel;

    /// <summary>Consecutive rows read at once; a row's score is that of the window ending at it (1: rows alone).</summary>
    public int WindowSize => Engine.Spec.WindowSize;

    /// <summary>Rows between the starts of consecutive training windows.</summary>
    public int Stride => Engine.Spec.Stride;

    /// <summary>Convolutional over images: the height and width of each row's grid.</summary>
    public int[]? ImageShape => Engine.Spec.ImageShape?.ToArray();

    /// <summary>The PCA setting: a count of components, or a share of variance; null when none.</summary>
    public double? PcaComponents => Engine.Spec.PcaComponents;

    /// <summary>After training with PCA: the number of components the network sees, and the share of variance they explain.</summary>
    public int? PcaComponentCount => Engine.Pca?.Count;

    public double? PcaExplainedVariance => Engine.Pca?.ExplainedVariance;

    /// <summary>The feature columns, in the order the network reads them. Empty until trained.</summary>
    public string[] FeatureNames => Engine.FeatureNames.ToArray();

    public int FeatureCount => Engine.FeatureNames.Length;

    /// <summary>Columns one-hot encoded as categories.</summary>
    public string[]? CategoricalProperty => Engine.Encoding is { HasCategorical: true } e
        ? e.Columns.Where((_, c) => e.Categories[c] is not null).ToArray()
        : Engine.Spec.CategoricalProperty?.ToArray();

    /// <summary>The network's inputs: numeric columns, and column=category indicators for categorical ones.</summary>
    public string[] EncodedFeatureNames => Engine.Encoding?.Names.ToArray() ?? Array.Empty<string>();

    /// <summary>Encoder layer sizes (the decoder mirrors them); the configured ones, or those chosen at training.</summary>
    public int[]? HiddenSize => Engine.Architecture?.HiddenSize.ToArray() ?? Engine.Spec.HiddenSize?.ToArray();

    /// <summary>Bottleneck size; the configured one, or the one chosen at training.</summary>
    public int? LatentSize => Engine.Architecture?.LatentSize ?? Engine.Spec.LatentSize;

    public AEActivation Activation => (AEActivation)(int)Engine.Spec.Activation;

    public AEScaling Scaling => (AEScaling)(int)Engine.Spec.Scaling;

    public int Epochs => Engine.Spec.Epochs;

    public int BatchSize => Engine.Spec.BatchSize;

    public double LearningRate => Engine.Spec.LearningRate;

    public double ValidationFraction => Engine.Spec.ValidationFraction;

    public int Patience => Engine.Spec.Patience;

    /// <summary>The seed given, or after training the seed that was used (pass it to -Seed to repeat the run).</summary>
    public int? Seed => Engine.Spec.Seed ?? Engine.Training?.Seed;

    public string[]? Property => Engine.Spec.Property?.ToArray();

    public string[]? ExcludeProperty => Engine.Spec.ExcludeProperty?.ToArray();

    public bool IsTrained => Engine.IsTrained;

    /// <summary>The reconstruction error above which a row is an anomaly; null until one is chosen.</summary>
    public double? Threshold => Engine.Threshold?.Value;

    /// <summary>How the threshold was chosen, e.g. "Percentile 99 of 200 rows (Find-AEThreshold)".</summary>
    public string? ThresholdMethod => Engine.Threshold is { } t
        ? string.Create(CultureInfo.InvariantCulture, $"{t.Method} {t.Parameter} of {t.SampleCount} rows ({t.Source})")
        : null;

    /// <summary>Train and validation loss per epoch.</summary>
    public AETrainingEpoch[] History => Engine.History.Select(e => new AETrainingEpoch(e)).ToArray();

    public int TrainingRows => Engine.Training?.TrainRows ?? 0;

    public int ValidationRows => Engine.Training?.ValidationRows ?? 0;

    public int EpochsRun => Engine.Training?.EpochsRun ?? 0;

    /// <summary>The epoch whose weights the model keeps (lowest validation loss).</summary>
    public int BestEpoch => Engine.Training?.BestEpoch ?? 0;

    public bool StoppedEarly => Engine.Training?.StoppedEarly ?? false;

    /// <summary>True when training was interrupted (Ctrl+C); the model keeps the best weights of the completed epochs.</summary>
    public bool TrainingInterrupted => Engine.Training?.Cancelled ?? false;

    public DateTime? TrainedAt => Engine.Training?.TrainedAtUtc;

    public long ParameterCount => Engine.ParameterCount;

    /// <summary>Frees the network's native memory. The model cannot score afterwards.</summary>
    public void Dispose() => Engine.Dispose();

    internal void Replace(AnomalyModel engine)
    {
        AnomalyModel old = Engine;
        Engine = engine;
        if (!ReferenceEquals(old, engine))
        {
            old.Dispose();
        }
    }

    public override string ToString()
    {
        if (!IsTrained)
        {
            return "AEModel (untrained)";
        }

        string layers = string.Join("-", new[] { FeatureCount }.Concat(HiddenSize ?? Array.Empty<int>()).Append(LatentSize ?? 0)
            .Concat(Enumerable.Reverse(HiddenSize ?? Array.Empty<int>())).Append(FeatureCount));
        string threshold = Threshold is { } t ? t.ToString("G4", CultureInfo.InvariantCulture) : "none";
        return $"AEModel {Architecture} {layers}, threshold {threshold}";
    }
}

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

/// <summary>A threshold chosen by Find-AEThreshold, with what it does on the rows it was chosen from.</summary>
public sealed class AEThreshold
{
    internal AEThreshold(double threshold, string method, double? parameter, IReadOnlyList<double> errors, bool capped)
    {
        Threshold = threshold;
        Method = method;
        Parameter = parameter;
        RowCount = errors.Count;
        FlaggedCount = Thresholds.CountAbove(errors, threshold);
        double[] sorted = errors.Order().ToArray();
        Minimum = sorted[0];
        Median = Thresholds.Percentile(sorted, 50);
        Maximum = sorted[^1];
        Capped = capped;
    }

    /// <summary>Rows whose reconstruction error is above this value are anomalies.</summary>
    public double Threshold { get; }

    /// <summary>Percentile, Sigma, Mad, Contamination, or the objective of a labelled choice (F1, Youden, ...).</summary>
    public string Method { get; }

    /// <summary>The method's parameter: the percentile, k, the contamination, or the objective's limit.</summary>
    public double? Parameter { get; }

    /// <summary>How many rows the threshold was chosen from.</summary>
    public int RowCount { get; }

    /// <summary>How many of those rows lie above the threshold.</summary>
    public int FlaggedCount { get; }

    public double FlaggedPercent => RowCount == 0 ? 0 : 100.0 * FlaggedCount / RowCount;

    public double Minimum { get; }

    public double Median { get; }

    public double Maximum { get; }

    /// <summary>True when -MaxAnomalyRatio raised the threshold.</summary>
    public bool Capped { get; }

    /// <summary>Area under the ROC curve (labelled rows only).</summary>
    public double? RocAuc { get; internal set; }

    /// <summary>Average precision (labelled rows only).</summary>
    public double? AveragePrecision { get; internal set; }

    /// <summary>Share of flagged rows that are anomalies (labelled rows only).</summary>
    public double? Precision { get; internal set; }

    /// <summary>Share of anomalies flagged (labelled rows only).</summary>
    public double? Recall { get; internal set; }

    public double? F1 { get; internal set; }

    /// <summary>Share of normal rows flagged (labelled rows only).</summary>
    public double? FalsePositiveRate { get; internal set; }

    public int? TruePositives { get; internal set; }

    public int? FalsePositives { get; internal set; }

    public int? TrueNegatives { get; internal set; }

    public int? FalseNegatives { get; internal set; }

    /// <summary>The ROC curve, one point per distinct error (labelled rows only); pipe it to Export-Csv.</summary>
    public AERocPoint[]? Roc { get; internal set; }

    /// <summary>The precision-recall curve (labelled rows only); pipe it to Export-Csv.</summary>
    public AEPrecisionRecallPoint[]? PrecisionRecall { get; internal set; }

    /// <summary>The picture written with -PlotPath.</summary>
    public string? PlotPath { get; internal set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Threshold:G6} ({Method} {Parameter})");
}

/// <summary>A point of a ROC curve: rows with an error at or above Threshold are called anomalies.</summary>
public sealed class AERocPoint
{
    internal AERocPoint(RocPoint p)
    {
        Threshold = p.Threshold;
        FalsePositiveRate = p.FalsePositiveRate;
        TruePositiveRate = p.TruePositiveRate;
        TruePositives = p.TruePositives;
        FalsePositives = p.FalsePositives;
        TrueNegatives = p.TrueNegatives;
        FalseNegatives = p.FalseNegatives;
    }

    public double Threshold { get; }

    public double FalsePositiveRate { get; }

    public double TruePositiveRate { get; }

    public int TruePositives { get; }

    public int FalsePositives { get; }

    public int TrueNegatives { get; }

    public int FalseNegatives { get; }
}

/// <summary>A point of a precision-recall curve.</summary>
public sealed class AEPrecisionRecallPoint
{
    internal AEPrecisionRecallPoint(PrPoint p)
    {
        Threshold = p.Threshold;
        Precision = p.Precision;
        Recall = p.Recall;
    }

    public double Threshold { get; }

    public double Precision { get; }

    public double Recall { get; }
}

/// <summary>One bottleneck size tried by Find-AEHiddenSize.</summary>
public sealed class AEHiddenSizeCandidate
{
    internal AEHiddenSizeCandidate(CandidateResult r)
    {
        LatentSize = r.LatentSize;
        Folds = r.Folds;
        MeanError = r.MeanError;
        StdDev = r.StdDev;
        StandardError = r.StandardError;
        Seconds = r.Seconds;
        RocAuc = r.RocAuc;
        Recommended = r.Recommended;
    }

    public int LatentSize { get; }

    public int Folds { get; }

    /// <summary>Mean reconstruction error on the held-out folds (scaled units).</summary>
    public double MeanError { get; }

    /// <summary>Standard deviation of the folds' errors.</summary>
    public double StdDev { get; }

    /// <summary>StdDev / sqrt(Folds): the uncertainty of MeanError used by the one-standard-error rule.</summary>
    public double StandardError { get; }

    /// <summary>Training and scoring time for all folds.</summary>
    public double Seconds { get; }

    /// <summary>Mean ROC-AUC of the fold models on -ValidationData; null without labelled data.</summary>
    public double? RocAuc { get; }

    /// <summary>True for the size the one-standard-error rule recommends.</summary>
    public bool Recommended { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{LatentSize}: {MeanError:G4} ± {StandardError:G2}{(Recommended ? " (recommended)" : string.Empty)}");
}

/// <summary>
/// The top contributing features of a row. A list of <see cref="AEFeatureContribution"/>; as text (in Export-Csv,
/// for instance) it reads "cpu_pct 97.0, expected 41.3 (High, 62%); ...".
/// </summary>
public sealed class AEFeatureContributionList : System.Collections.ObjectModel.ReadOnlyCollection<AEFeatureContribution>
{
    internal AEFeatureContributionList(IList<AEFeatureContribution> items)
        : base(items)
    {
    }

    public override string ToString() => string.Join("; ", this.Select(c => c.ToString()));
}

/// <summary>One feature's part in a row's reconstruction error, in the column's own units.</summary>
public sealed class AEFeatureContribution
{
    internal AEFeatureContribution(FeatureContribution c)
    {
        IsCategorical = c.Value is string;
        Feature = c.Feature;
        Value = c.Value;
        Expected = c.Expected;
        Direction = c.Direction;
        Share = c.Share;
        SquaredError = c.SquaredError;
    }

    public string Feature { get; }

    /// <summary>The value in the row: a number, or for a categorical column its category.</summary>
    public object Value { get; }

    /// <summary>The value the model expected (its reconstruction) in the column's own units, or the expected category.</summary>
    public object Expected { get; }

    /// <summary>High or Low (value above or below what was expected); for categories Unseen, Unusual or Expected.</summary>
    public string Direction { get; }

    /// <summary>True for a categorical column.</summary>
    public bool IsCategorical { get; }

    /// <summary>This feature's share (0-1) of the row's reconstruction error.</summary>
    public double Share { get; }

    /// <summary>The feature's squared error in scaled units.</summary>
    public double SquaredError { get; }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Feature} {Format(Value)}, expected {Format(Expected)} ({Direction}, {Share * 100:0}%)");

    internal static string Format(object value)
    {
        if (value is not double v)
        {
            return Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        double a = Math.Abs(v);
        return a >= 1e6 || (a < 1e-3 && a > 0)
            ? v.ToString("G4", CultureInfo.InvariantCulture)
            : v.ToString(a >= 100 ? "0.#" : a >= 1 ? "0.0#" : "0.###", CultureInfo.InvariantCulture);
    }
}
