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
public sealed partial class AnomalyModel : IDisposable
{
    private readonly ReaderWriterLockSlim _sync = new(LockRecursionPolicy.NoRecursion);
    private AutoencoderNet? _network;

    /// <summary>
    /// The network of a model read from a file while it is built on a thread-pool thread (<see cref="Restore"/>); null
    /// once <see cref="Network"/> has taken it, and for every other model.
    /// </summary>
    private Task<AutoencoderNet>? _building;
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

    /// <summary>The lowest and highest value each input took in the training rows; null for models saved without them.</summary>
    public FeatureRanges? Ranges { get; internal set; }

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

    // _building first: Network sets _network before it clears _building, so one of the two reads sees a network.
    public bool IsTrained => Volatile.Read(ref _building) is not null || _network is not null;

    /// <summary>
    /// The network; null until trained. One still being built in the background is waited for, and a build that
    /// failed throws here, on every use: a libtorch that cannot be loaded as <see cref="TorchRuntime.EnsureLoaded"/>
    /// reports it, a file whose weights do not fit its network as an invalid model file.
    /// </summary>
    private AutoencoderNet? Network
    {
        get
        {
            Task<AutoencoderNet>? building = Volatile.Read(ref _building);
            if (building is null)
            {
                return _network;
            }

            if (!building.IsCompletedSuccessfully)
            {
                TorchRuntime.EnsureLoaded();
            }

            AutoencoderNet net = building.GetAwaiter().GetResult();
            _network = net;
            Volatile.Write(ref _building, null);
            return net;
        }
    }

    /// <summary>Disposes the network, one still being built included (waited for; a build that failed left none).</summary>
    private void DisposeNetwork()
    {
        Task<AutoencoderNet>? building = Interlocked.Exchange(ref _building, null);
        if (building is not null)
        {
            try
            {
                building.Wait();
            }
            catch (AggregateException)
            {
                // The build failed: it left no network to dispose.
            }

            if (building.IsCompletedSuccessfully && !ReferenceEquals(building.Result, _network))
            {
                building.Result.Dispose();
            }
        }

        _network?.Dispose();
        _network = null;
    }

    /// <summary>
    /// What the scores are made of: the trained model's terms (a model imported from PyTorch, or trained without
    /// held-out rows, scores by the reconstruction error alone, whatever its spec says), or the configured one before
    /// training.
    /// </summary>
    public ScoreMethod Scoring => IsTrained ? Engine.Scoring.ScoreTerms.MethodOf(ScoreTerms) : Spec.Scoring;

    /// <summary>
    /// The terms a row's score is the sum of (<see cref="Engine.Scoring.ScoreTerms"/>); the raw reconstruction error
    /// alone until trained, and for models trained with <see cref="ScoreMethod.Reconstruction"/>, without held-out
    /// rows, or read from files and PyTorch exports that have no other terms.
    /// </summary>
    public IReadOnlyList<IScoreTerm> ScoreTerms { get; private set; } = Engine.Scoring.ScoreTerms.Plain;

    /// <summary>
    /// How the score was chosen, with every candidate's figures and every term fitted; null for a model trained with a
    /// fixed score (<see cref="ScoreMethod.Auto"/> makes one).
    /// </summary>
    public ScoreChoice? ScoreChoice { get; private set; }

    /// <summary>The score term of type <typeparamref name="T"/>; null when the model's score has none.</summary>
    public T? Term<T>()
        where T : class, IScoreTerm => ScoreTerms.OfType<T>().FirstOrDefault();

    public long ParameterCount => Network?.parameters().Sum(p => p.numel()) ?? 0;

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
        return new Detector(ThresholdRules.Require(threshold, Threshold), minConsecutive, ValidationErrors);
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
    public ScoreResult Score(ReadOnlySpan<double> data, int rows, int context = 0) => Score(data, rows, context, 0);

    /// <summary>
    /// As <see cref="Score(ReadOnlySpan{double}, int, int)"/> on at most <paramref name="cores"/> cores (0: the
    /// machine's); one for a batch scored beside others (<see cref="ScoringPipeline{T}"/>). The scores are the same.
    /// </summary>
    internal ScoreResult Score(ReadOnlySpan<double> data, int rows, int context, int cores) => ScoreWith(null, data, rows, context, cores);

    /// <summary>Scores rows by <paramref name="terms"/> (any of the model's fitted terms), or by the model's own score's terms when null.</summary>
    private ScoreResult ScoreWith(IReadOnlyList<IScoreTerm>? terms, ReadOnlySpan<double> data, int rows, int context, int cores)
    {
        _sync.EnterReadLock();
        try
        {
            if (Network is not { } network || Scaler is null)
            {
                throw NotTrained();
            }

            if (data.Length != (long)rows * Encoding!.Width || context < 0 || context > rows)
            {
                throw new ArgumentException("Data length does not match rows x features.", nameof(data));
            }

            using var threads = TorchRuntime.UseThreads(ModelDefaults.ThreadCount);
            return BatchScorer.Score(network, Encoding, Scaler, Pca, terms ?? ScoreTerms, Ranges, WindowSize, data, rows, context, cores);
        }
        finally
        {
            _sync.ExitReadLock();
        }
    }

    /// <summary>
    /// Each row's reconstruction error, as <see cref="Score(ReadOnlySpan{double}, int, int)"/> gives it for a model without windows, measured without
    /// the rest of the score (the other terms, the per-feature errors and the reconstructed rows).
    /// </summary>
    internal double[] ReconstructionErrors(ReadOnlySpan<double> data, int rows)
    {
        _sync.EnterReadLock();
        try
        {
            if (Network is not { } network || Scaler is null)
            {
                throw NotTrained();
            }

            if (data.Length != (long)rows * Encoding!.Width || WindowSize != 1)
            {
                throw new ArgumentException("Data length does not match rows x features, or the model reads windows.", nameof(data));
            }

            float[] scaled = new float[data.Length];
            Scaler.Transform(data, scaled);
            using var threads = TorchRuntime.UseThreads(ModelDefaults.ThreadCount);
            return BatchScorer.Reconstruct(network, Pca, 1, scaled, Encoding.Width, Enumerable.Range(0, rows).ToArray(), errorsOnly: true).ReconstructionErrors;
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
            if (Network is not { } network || Scaler is null)
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
            Tensor z = network.Encode(torch.tensor(scaled, new long[] { rows, width })).contiguous();
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
            return Network is { } network ? NetworkState.Get(network) : throw NotTrained();
        }
        finally
        {
            _sync.ExitReadLock();
        }
    }

    /// <summary>
    /// Rebuilds a trained model from stored parts; every weight's name and shape is checked against the network. With
    /// <paramref name="buildInBackground"/> the network is built on a thread-pool thread, libtorch's load included, and
    /// the model returns at once: its first use waits for the network (<see cref="Network"/>), and a weight that does
    /// not fit is reported then. A model file read by a command is built so, beside whatever the session does before
    /// it first scores.
    /// </summary>
    internal static AnomalyModel Restore(
        ModelSpec spec, FeatureEncoding encoding, Scaler scaler, Pca? pca, NetworkShape shape, IReadOnlyList<WeightTensor> weights,
        List<EpochRecord> history, TrainingSummary? training, ThresholdChoice? threshold, double[] validationErrors, double[] featureMeans,
        string? name = null, string? description = null, IReadOnlyList<IScoreTerm>? terms = null, ScoreChoice? choice = null,
        bool buildInBackground = false)
    {
        if (shape.InputSize != (pca?.Count ?? encoding.Width) || (pca is not null && pca.Width != encoding.Width))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's network, PCA basis and features disagree on their sizes.");
        }

        var model = new AnomalyModel(spec) { Name = name, Description = description };
        long seed = training?.Seed ?? spec.Seed ?? 0;
        if (buildInBackground)
        {
            model._building = TorchRuntime.RunBeside(() => TorchRuntime.TryLoadQuietly()
                ? BuildNetwork(spec, shape, seed, weights)
                : throw new AnomalyDetectionException(AnomalyErrorKind.NativeRuntime, "libtorch could not be loaded."));
        }
        else
        {
            TorchRuntime.EnsureLoaded();
            model._network = BuildNetwork(spec, shape, seed, weights);
        }

        model.Encoding = encoding;
        model.Scaler = scaler;
        model.Shape = shape;
        model.Pca = pca;
        model.ScoreTerms = choice?.ScoreTerms ?? terms ?? Engine.Scoring.ScoreTerms.Plain;
        model.ScoreChoice = choice;
        model._history = history;
        model.Training = training;
        model._threshold = threshold;
        model._validationErrors = validationErrors;
        model.FeatureMeans = featureMeans.Length == encoding.Width ? featureMeans : scaler.Offset.ToArray();
        return model;
    }

    /// <summary>A network of <paramref name="shape"/> holding <paramref name="weights"/>, in evaluation mode.</summary>
    private static AutoencoderNet BuildNetwork(ModelSpec spec, NetworkShape shape, long seed, IReadOnlyList<WeightTensor> weights)
    {
        AutoencoderNet net = NetworkFactory.Create(spec, shape, seed);
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
        return net;
    }

    public void Dispose()
    {
        _sync.EnterWriteLock();
        try
        {
            DisposeNetwork();
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
