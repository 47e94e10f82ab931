using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine;

/// <summary>
/// An autoencoder anomaly model: its settings, the features it reads, the scaler fitted on the training rows, the
/// network, its training history and the threshold that separates normal rows from anomalies. It ties the parts
/// together (Data, Networks, Training, Scoring) and keeps them consistent: training replaces them all at once, and
/// scoring on many threads at a time is safe.
/// </summary>
public sealed class AnomalyModel : IDisposable
{
    private readonly ReaderWriterLockSlim _sync = new(LockRecursionPolicy.NoRecursion);
    private AutoencoderNet? _network;
    private List<EpochRecord> _history = new();
    private ThresholdChoice? _threshold;
    private double[] _validationErrors = Array.Empty<double>();

    public AnomalyModel(ModelSpec spec)
    {
        spec.Validate();
        Spec = spec;
    }

    /// <summary>The settings the model was created with (training may record a seed that was chosen for it).</summary>
    public ModelSpec Spec { get; }

    /// <summary>A name that tells this model apart from others, such as the host it watches; saved in the model file.</summary>
    public string? Name { get; set; }

    /// <summary>Free text about the model (what it watches, what it was trained on); saved in the model file.</summary>
    public string? Description { get; set; }

    /// <summary>The full path of the file the model was loaded from; null for a model made in this process. Not saved.</summary>
    public string? SourcePath { get; internal set; }

    /// <summary>How input columns become network inputs; null until trained.</summary>
    public FeatureEncoding? Encoding { get; private set; }

    /// <summary>The input columns the model reads, in order.</summary>
    public string[] FeatureNames => Encoding?.Columns ?? Array.Empty<string>();

    public Scaler? Scaler { get; private set; }

    /// <summary>The network's layer sizes; null until trained.</summary>
    public NetworkShape? Shape { get; private set; }

    /// <summary>The PCA basis applied before the network; null when the network sees every input.</summary>
    public Pca? Pca { get; private set; }

    /// <summary>Consecutive rows the network reads at once (1: each row alone).</summary>
    public int WindowSize => Spec.WindowSize;

    public IReadOnlyList<EpochRecord> History => _history;

    public TrainingSummary? Training { get; private set; }

    /// <summary>The threshold and how it was chosen; null until one is set. Change it with <see cref="SetThreshold"/>.</summary>
    public ThresholdChoice? Threshold
    {
        get
        {
            _sync.EnterReadLock();
            try
            {
                return _threshold;
            }
            finally
            {
                _sync.ExitReadLock();
            }
        }
    }

    /// <summary>Each feature's mean over the training rows (used to impute missing values).</summary>
    public double[] FeatureMeans { get; private set; } = Array.Empty<double>();

    /// <summary>
    /// Reconstruction errors of normal reference rows, sorted ascending: the held-out validation rows after training,
    /// or the normal rows a threshold was later chosen on. Severity percentiles are measured against them.
    /// </summary>
    public double[] ValidationErrors
    {
        get
        {
            _sync.EnterReadLock();
            try
            {
                return _validationErrors;
            }
            finally
            {
                _sync.ExitReadLock();
            }
        }
    }

    public bool IsTrained => _network is not null;

    /// <summary>
    /// What the scores are made of: the trained model's (with the distance only when it has the term: a model imported
    /// from PyTorch, or trained without held-out rows, scores by the reconstruction error alone, whatever its spec
    /// says), or the configured one before training.
    /// </summary>
    public ScoreMethod Scoring => !IsTrained ? Spec.Score : Neighbours is null ? ScoreMethod.Reconstruction : ScoreMethod.ReconstructionAndDistance;

    /// <summary>
    /// The distance part of the score (<see cref="ScoreMethod.ReconstructionAndDistance"/>); null when the score is the
    /// reconstruction error alone (models trained with <see cref="ScoreMethod.Reconstruction"/>, without held-out rows,
    /// or read from files and PyTorch exports that have none).
    /// </summary>
    public NeighbourTerm? Neighbours { get; private set; }

    public long ParameterCount => _network?.parameters().Sum(p => p.numel()) ?? 0;

    /// <summary>Sets the threshold and the normal rows' errors it was chosen from.</summary>
    public void SetThreshold(ThresholdChoice threshold, IEnumerable<double> normalErrors)
    {
        double[] sorted = normalErrors.Where(double.IsFinite).Order().ToArray();
        _sync.EnterWriteLock();
        try
        {
            _threshold = threshold;
            if (sorted.Length > 0)
            {
                _validationErrors = sorted;
            }
        }
        finally
        {
            _sync.ExitWriteLock();
        }
    }

    /// <summary>A detector with this model's threshold (or <paramref name="threshold"/>) and its normal rows' errors.</summary>
    public Detector CreateDetector(double? threshold = null, int minConsecutive = 1)
    {
        double value = threshold ?? Threshold?.Value ?? throw new AnomalyDetectionException(AnomalyErrorKind.NoThreshold, "The model has no threshold and none was given.")
        {
            RecommendedAction = "Choose one: $validation | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Model $model, or pass -Threshold.",
        };
        return new Detector(value, minConsecutive, ValidationErrors);
    }

    /// <summary>
    /// Trains a new network on <paramref name="rows"/> rows of raw feature values (row-major), replacing any earlier one.
    /// Cancelling keeps the best weights of the completed epochs; with none completed the model is left as it was and
    /// <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    public void Train(string[] features, double[] data, int rows, Action<EpochRecord>? onEpoch = null, CancellationToken cancel = default) =>
        Train(FeatureEncoding.Numeric(features), data, rows, onEpoch, cancel);

    /// <summary>Trains on <paramref name="rows"/> rows already encoded by <paramref name="encoding"/> (row-major).</summary>
    public void Train(FeatureEncoding encoding, double[] data, int rows, Action<EpochRecord>? onEpoch = null, CancellationToken cancel = default)
    {
        int width = encoding.Width;
        if (width == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "A model needs at least one feature column.");
        }

        RequireRows(data, rows, width, "There are no valid training rows.");

        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        int seed = Spec.Seed ?? Random.Shared.Next();
        var rng = new Random(seed);
        TrainingSet set = TrainingSet.Prepare(Spec, encoding, data, rows, rng);
        NetworkShape shape = NetworkShape.For(Spec, set.NetWidth, set.Pca is not null);
        AutoencoderNet net = CreateNetwork(shape, seed, start: null);
        bool keep = false;
        try
        {
            (TrainerResult fit, double[] valErrors, NeighbourTerm? neighbours) = Fit(net, set, rng, onEpoch, cancel);

            var summary = new TrainingSummary(
                rows, set.TrainRows, set.ValidationRows, fit.EpochsRun, fit.BestEpoch, fit.BestLoss, fit.StoppedEarly, fit.Cancelled, seed,
                fit.Threads, clock.Elapsed.TotalSeconds, DateTime.UtcNow);

            Install(
                net, encoding, FeatureSchema.ColumnMeans(data, width), set.Scaler, shape, set.Pca, neighbours, fit.History, summary, valErrors,
                valErrors.Length > 0 ? ProvisionalThreshold(valErrors) : null);
            keep = true;
        }
        finally
        {
            if (!keep)
            {
                net.Dispose();
            }
        }
    }

    /// <summary>
    /// Continues training <paramref name="trained"/>'s network on more rows (a warm start): this model takes its
    /// features, scaler, PCA basis and weights, trains for this model's <see cref="ModelSpec.Epochs"/> more epochs and
    /// appends them to its history. <paramref name="data"/> holds <paramref name="rows"/> rows already encoded by
    /// <paramref name="trained"/>'s <see cref="Encoding"/>. This model's settings may change how it trains (epochs,
    /// batch size, learning rate, patience, validation share, seed), not what the network is; a change of
    /// architecture, layers, window, scaling or PCA is an error. <paramref name="trained"/> is left unchanged.
    /// Returns true when a threshold chosen on the earlier network (by Find-AEThreshold or set by hand) was kept: it
    /// should be chosen again. A provisional threshold from training is replaced by one from this run's validation rows.
    /// </summary>
    public bool ContinueTraining(AnomalyModel trained, double[] data, int rows, Action<EpochRecord>? onEpoch = null, CancellationToken cancel = default)
    {
        FeatureEncoding encoding;
        Scaler scaler;
        Pca? pca;
        NetworkShape trainedShape;
        IReadOnlyList<WeightTensor> weights;
        List<EpochRecord> earlier;
        ThresholdChoice? earlierThreshold;
        double[] earlierMeans;
        ScoreMethod trainedScore;
        trained._sync.EnterReadLock();
        try
        {
            if (trained._network is null || trained.Scaler is null)
            {
                throw NotTrained();
            }

            (encoding, scaler, pca, trainedShape) = (trained.Encoding!, trained.Scaler, trained.Pca, trained.Shape!);
            weights = NetworkState.Get(trained._network);
            earlier = trained._history.ToList();
            earlierThreshold = trained._threshold;
            earlierMeans = trained.FeatureMeans;
            trainedScore = trained.Scoring;
        }
        finally
        {
            trained._sync.ExitReadLock();
        }

        RequireSameNetwork(trained.Spec);

        // The model goes on scoring as it did: its threshold was chosen on those scores.
        Spec.Score = trainedScore;
        int width = encoding.Width;
        RequireRows(data, rows, width, "There are no valid rows to continue training on.");

        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        int seed = Spec.Seed ?? Random.Shared.Next();
        var rng = new Random(seed);
        TrainingSet set = TrainingSet.Prepare(Spec, encoding, data, rows, rng, scaler, pca);
        AutoencoderNet net = CreateNetwork(trainedShape, seed, start: weights);
        bool keep = false;
        try
        {
            (TrainerResult fit, double[] valErrors, NeighbourTerm? neighbours) = Fit(net, set, rng, onEpoch, cancel);

            int offset = earlier.Count > 0 ? earlier[^1].Epoch : 0;
            var history = earlier.Concat(fit.History.Select(e => e with { Epoch = e.Epoch + offset })).ToList();
            var summary = new TrainingSummary(
                rows, set.TrainRows, set.ValidationRows, offset + fit.EpochsRun, offset + fit.BestEpoch, fit.BestLoss, fit.StoppedEarly, fit.Cancelled, seed,
                fit.Threads, clock.Elapsed.TotalSeconds, DateTime.UtcNow);
            bool provisional = earlierThreshold is null || earlierThreshold.Source == ProvisionalSource;

            bool fresh = valErrors.Length > 0;
            Install(
                net, encoding, earlierMeans, scaler, trainedShape, pca, fresh ? neighbours : trained.Neighbours, history, summary,
                fresh ? valErrors : trained.ValidationErrors,
                provisional && fresh ? ProvisionalThreshold(valErrors) : earlierThreshold);
            keep = true;
            return !provisional;
        }
        finally
        {
            if (!keep)
            {
                net.Dispose();
            }
        }
    }

    /// <summary>Where a threshold set by training comes from (the held-out validation rows).</summary>
    internal const string ProvisionalSource = "training validation split";

    /// <summary>The threshold training sets: a percentile of the held-out rows' sorted scores.</summary>
    private static ThresholdChoice ProvisionalThreshold(double[] sortedErrors) => new(
        ThresholdRules.Percentile(sortedErrors, ModelDefaults.TrainingThresholdPercentile),
        "Percentile",
        ModelDefaults.TrainingThresholdPercentile,
        sortedErrors.Length,
        ProvisionalSource);

    /// <summary>Puts a trained network and everything scoring needs in place at once, under the write lock.</summary>
    private void Install(
        AutoencoderNet net, FeatureEncoding encoding, double[] featureMeans, Scaler scaler, NetworkShape shape, Pca? pca, NeighbourTerm? neighbours,
        List<EpochRecord> history, TrainingSummary summary, double[] validationErrors, ThresholdChoice? threshold)
    {
        _sync.EnterWriteLock();
        try
        {
            _network?.Dispose();
            _network = net;
            Encoding = encoding;
            FeatureMeans = featureMeans;
            Scaler = scaler;
            Shape = shape;
            Pca = pca;
            Neighbours = neighbours;
            _history = history;
            Training = summary;
            _validationErrors = validationErrors;
            _threshold = threshold;
        }
        finally
        {
            _sync.ExitWriteLock();
        }
    }

    private void RequireSameNetwork(ModelSpec trained)
    {
        IReadOnlyList<string> changed = Spec.NetworkSettingsChangedFrom(trained);
        if (changed.Count > 0)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"Continued training keeps the trained network, so it cannot change {string.Join(", ", changed)}.")
            {
                RecommendedAction = "Leave those settings out to continue training, or train a new model without -Continue.",
            };
        }
    }

    /// <summary>
    /// Scores rows of raw feature values (row-major) in large batches. With windows, the first
    /// <paramref name="context"/> rows only give context (rows carried over from the previous batch) and are not
    /// scored; a row's score is that of the window ending at it, and rows with fewer than WindowSize - 1 rows
    /// before them get NaN: they have no score yet. <see cref="StreamingScorer"/> carries that context for a stream.
    /// </summary>
    public ScoreResult Score(ReadOnlySpan<double> data, int rows, int context = 0)
    {
        _sync.EnterReadLock();
        try
        {
            if (_network is null || Scaler is null)
            {
                throw NotTrained();
            }

            if (data.Length != (long)rows * Encoding!.Width || context < 0 || context > rows)
            {
                throw new ArgumentException("Data length does not match rows x features.", nameof(data));
            }

            using var threads = TorchRuntime.UseThreads(ModelDefaults.ThreadCount);
            return BatchScorer.Score(_network, Encoding, Scaler, Pca, Neighbours, WindowSize, data, rows, context);
        }
        finally
        {
            _sync.ExitReadLock();
        }
    }

    /// <summary>The bottleneck activations of raw rows (row-major), for inspecting what the network learned.</summary>
    internal float[] Bottleneck(double[] raw, int rows)
    {
        _sync.EnterReadLock();
        try
        {
            if (_network is null || Scaler is null)
            {
                throw NotTrained();
            }

            float[] scaled = new float[raw.Length];
            Scaler.Transform(raw, scaled);
            int width = Encoding!.Width;
            if (Pca is not null)
            {
                scaled = Pca.Project(scaled, rows);
                width = Pca.Count;
            }

            using var scope = NewDisposeScope();
            using var noGrad = torch.no_grad();
            Tensor z = _network.Encode(torch.tensor(scaled, new long[] { rows, width })).contiguous();
            return MemoryMarshal.Cast<byte, float>(z.bytes).ToArray();
        }
        finally
        {
            _sync.ExitReadLock();
        }
    }

    /// <summary>Copies the network's state (parameters and buffers) out as managed arrays.</summary>
    public IReadOnlyList<WeightTensor> ExportWeights()
    {
        _sync.EnterReadLock();
        try
        {
            return _network is null ? throw NotTrained() : NetworkState.Get(_network);
        }
        finally
        {
            _sync.ExitReadLock();
        }
    }

    /// <summary>Rebuilds a trained model from stored parts; every weight's name and shape is checked first.</summary>
    internal static AnomalyModel Restore(
        ModelSpec spec, FeatureEncoding encoding, Scaler scaler, Pca? pca, NetworkShape shape, IReadOnlyList<WeightTensor> weights,
        List<EpochRecord> history, TrainingSummary? training, ThresholdChoice? threshold, double[] validationErrors, double[] featureMeans,
        string? name = null, string? description = null, NeighbourTerm? neighbours = null)
    {
        TorchRuntime.EnsureLoaded();
        if (shape.InputSize != (pca?.Count ?? encoding.Width) || (pca is not null && pca.Width != encoding.Width))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's network, PCA basis and features disagree on their sizes.");
        }

        if (neighbours is not null && neighbours.Width != shape.InputSize * spec.WindowSize)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's neighbour sample and network disagree on the sample size.");
        }

        var model = new AnomalyModel(spec) { Name = name, Description = description };
        AutoencoderNet net = NetworkFactory.Create(spec, shape, training?.Seed ?? spec.Seed ?? 0);
        try
        {
            NetworkState.Set(net, weights);
        }
        catch
        {
            net.Dispose();
            throw;
        }

        net.eval();
        model._network = net;
        model.Encoding = encoding;
        model.Scaler = scaler;
        model.Shape = shape;
        model.Pca = pca;
        model.Neighbours = neighbours;
        model._history = history;
        model.Training = training;
        model._threshold = threshold;
        model._validationErrors = validationErrors;
        model.FeatureMeans = featureMeans.Length == encoding.Width ? featureMeans : scaler.Offset.ToArray();
        return model;
    }

    /// <summary>Checks that <paramref name="data"/> holds <paramref name="rows"/> rows (at least one) of <paramref name="width"/> values.</summary>
    private static void RequireRows(double[] data, int rows, int width, string noRows)
    {
        if (rows < 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, noRows)
            {
                RecommendedAction = "Pipe rows of normal data into Invoke-AETraining.",
            };
        }

        if (data.Length != (long)rows * width)
        {
            throw new ArgumentException("Data length does not match rows x features.", nameof(data));
        }
    }

    /// <summary>A network of <paramref name="shape"/>, initialised from <paramref name="seed"/>, or holding <paramref name="start"/>'s weights.</summary>
    private AutoencoderNet CreateNetwork(NetworkShape shape, int seed, IReadOnlyList<WeightTensor>? start)
    {
        AutoencoderNet net;
        lock (TorchRuntime.SeedLock)
        {
            // manual_seed hands back a new native handle to the default generator; it is released here, not by a finalizer.
            using (torch.random.manual_seed(seed))
            {
                net = NetworkFactory.Create(Spec, shape, seed);
            }
        }

        if (start is not null)
        {
            try
            {
                NetworkState.Set(net, start);
            }
            catch
            {
                net.Dispose();
                throw;
            }
        }

        return net;
    }

    /// <summary>
    /// Trains <paramref name="net"/> on <paramref name="set"/> and returns the run, the distance term when the spec asks
    /// for one (built from the training samples, its medians from the held-out ones), and the held-out rows' scores,
    /// sorted and scored as <see cref="Score"/> scores them (same thread count).
    /// </summary>
    private (TrainerResult Fit, double[] ValidationErrors, NeighbourTerm? Neighbours) Fit(AutoencoderNet net, TrainingSet set, Random rng, Action<EpochRecord>? onEpoch, CancellationToken cancel)
    {
        TrainerResult fit = new Trainer(Spec, net, rng).Fit(
            set.TrainSamples, set.TrainEnds.Length, set.ValidationSamples, set.ValidationEnds.Length, set.SampleSize, onEpoch, cancel);
        if (set.ValidationEnds.Length == 0)
        {
            return (fit, Array.Empty<double>(), null);
        }

        using var threads = TorchRuntime.UseThreads(ModelDefaults.ThreadCount);
        double[] errors = BatchScorer.WindowErrors(net, set.Pca, set.Window, set.Scaled, set.Width, set.ValidationEnds, neighbours: null, out _).Errors;
        NeighbourTerm? neighbours = Spec.Score == ScoreMethod.ReconstructionAndDistance
            ? NeighbourTerm.Build(set.TrainSamples, set.SampleSize, set.ValidationSamples, errors, rng)
            : null;
        neighbours?.Combine(errors, set.ValidationSamples);
        Array.Sort(errors);
        return (fit, errors, neighbours);
    }

    public void Dispose()
    {
        _sync.EnterWriteLock();
        try
        {
            _network?.Dispose();
            _network = null;
        }
        finally
        {
            _sync.ExitWriteLock();
        }
    }

    public static AnomalyDetectionException NotTrained() => new(
        AnomalyErrorKind.NotTrained,
        "The model has not been trained yet.")
    {
        RecommendedAction = "Train it first: $model = Import-Csv normal.csv | Invoke-AETraining -Model $model",
    };
}
