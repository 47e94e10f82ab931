using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine;

/// <summary>One epoch of training: mean MSE on the training rows and, when rows were held out, on the validation rows.</summary>
/// <remarks>
/// For kinds with a penalty (sparse, variational) TrainLoss is reconstruction plus penalty, and the two parts are
/// kept apart; ValidationLoss is always the reconstruction error that scoring uses.
/// </remarks>
public sealed record EpochRecord(int Epoch, double TrainLoss, double? ValidationLoss, double Seconds, bool IsBest, double? TrainReconstruction = null, double? TrainPenalty = null);

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

/// <summary>A named tensor as plain managed data: used for best-weight snapshots and model files.</summary>
public sealed record WeightTensor(string Name, long[] Shape, float[] Data);

/// <summary>
/// An autoencoder anomaly model: the features it reads, the scaler fitted on the training rows, the network,
/// its training history and the threshold that separates normal rows from anomalies.
/// </summary>
public sealed class AnomalyModel : IDisposable
{
    private const int ScoreChunk = 16384;
    private readonly ReaderWriterLockSlim _sync = new(LockRecursionPolicy.NoRecursion);
    private AutoencoderNet? _network;
    private List<EpochRecord> _history = new();

    public AnomalyModel(ModelSpec spec)
    {
        spec.Validate();
        Spec = spec;
    }

    /// <summary>The settings the model was created with (training may record a seed that was chosen for it).</summary>
    public ModelSpec Spec { get; }

    /// <summary>How input columns become network inputs; null until trained.</summary>
    public FeatureEncoding? Encoding { get; private set; }

    /// <summary>The input columns the model reads, in order.</summary>
    public string[] FeatureNames => Encoding?.Columns ?? Array.Empty<string>();

    public Scaler? Scaler { get; private set; }

    public Architecture? Architecture { get; private set; }

    /// <summary>The PCA basis applied before the network; null when the network sees every input.</summary>
    public Pca? Pca { get; private set; }

    public IReadOnlyList<EpochRecord> History => _history;

    public TrainingSummary? Training { get; private set; }

    public ThresholdInfo? Threshold { get; set; }

    /// <summary>Each feature's mean over the training rows (used to impute missing values).</summary>
    public double[] FeatureMeans { get; private set; } = Array.Empty<double>();

    /// <summary>
    /// Reconstruction errors of normal reference rows, sorted ascending: the held-out validation rows after training,
    /// or the normal rows a threshold was later chosen on. Severity percentiles are measured against them.
    /// </summary>
    public double[] ValidationErrors { get; private set; } = Array.Empty<double>();

    /// <summary>Sets the threshold and the normal rows' errors it was chosen from.</summary>
    public void SetThreshold(ThresholdInfo threshold, IEnumerable<double> normalErrors)
    {
        double[] sorted = normalErrors.Where(double.IsFinite).Order().ToArray();
        Threshold = threshold;
        if (sorted.Length > 0)
        {
            ValidationErrors = sorted;
        }
    }

    public bool IsTrained => _network is not null;

    public long ParameterCount
    {
        get
        {
            if (_network is null)
            {
                return 0;
            }

            return _network.parameters().Sum(p => p.numel());
        }
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

        if (rows < 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "There are no valid training rows.")
            {
                RecommendedAction = "Pipe rows of normal data into Invoke-AETraining.",
            };
        }

        if (data.Length != (long)rows * width)
        {
            throw new ArgumentException("Data length does not match rows x features.", nameof(data));
        }

        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        int seed = Spec.Seed ?? Random.Shared.Next();
        var rng = new Random(seed);

        int window = Spec.WindowSize;
        if (Spec.ImageShape is { } shape && shape[0] * shape[1] != width)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"ImageShape {shape[0]} x {shape[1]} holds {shape[0] * shape[1]} values, but the rows have {width} features.");
        }

        if (Spec.Kind is AutoencoderKind.Convolutional or AutoencoderKind.Recurrent && window < 2 && Spec.ImageShape is null)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"The {Spec.Kind} architecture reads windows of consecutive rows; give -WindowSize 2 or more.");
        }

        if (rows < window)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, $"A window of {window} rows needs at least {window} training rows; {rows} were given.");
        }

        int valCount = Math.Min((int)Math.Floor(rows * Spec.ValidationFraction), rows - window);
        int[] trainIdx, valIdx;
        if (window > 1)
        {
            // Consecutive rows form the windows, so the split keeps time order: the last rows validate.
            trainIdx = Enumerable.Range(0, rows - valCount).ToArray();
            valIdx = Enumerable.Range(rows - valCount, valCount).ToArray();
        }
        else
        {
            int[] order = Enumerable.Range(0, rows).ToArray();
            rng.Shuffle(order);
            valIdx = order[..valCount];
            trainIdx = order[valCount..];
            Array.Sort(valIdx);
            Array.Sort(trainIdx);
        }

        bool[] indicators = encoding.ColumnOf.Select(c => encoding.Categories[c] is not null).ToArray();
        Scaler scaler = Scaler.Fit(Spec.Scaling, Gather(data, trainIdx, width), trainIdx.Length, width, indicators);
        float[] allScaled = Scaled(scaler, data);

        Pca? pca = null;
        int netWidth = width;
        float[] netRows = allScaled;
        if (Spec.PcaComponents is { } components)
        {
            pca = Pca.Fit(Gather(allScaled, trainIdx, width), trainIdx.Length, width, components);
            netRows = pca.Project(allScaled, rows);
            netWidth = pca.Count;
        }

        int[] trainEnds = window > 1
            ? Enumerable.Range(window - 1, trainIdx.Length - window + 1).Where(e => (e - window + 1) % Spec.Stride == 0).ToArray()
            : trainIdx;
        int[] valEnds = window > 1 ? valIdx.Where(e => e >= window - 1).ToArray() : valIdx;
        float[] trainSamples = Windows(netRows, netWidth, window, trainEnds);
        float[] valSamples = Windows(netRows, netWidth, window, valEnds);

        // Dense kinds read a window flattened, so their default layers follow the window's size; convolutional and
        // recurrent networks use the first hidden size as their channels or LSTM units.
        bool sequence = Spec.Kind is AutoencoderKind.Convolutional or AutoencoderKind.Recurrent;
        int sampleSize = netWidth * window;
        var arch = new Architecture(
            Spec.Kind.ToString(),
            netWidth,
            Spec.ImageShape is not null ? Spec.HiddenSize ?? new[] { 16 }
                : sequence ? Spec.HiddenSize ?? new[] { Math.Clamp(2 * netWidth, 16, 128) }
                : Spec.ResolveHidden(sampleSize),
            Spec.ResolveLatent(sampleSize),
            Spec.Activation,
            Spec.Scaling == ScalingMethod.MinMax && pca is null)
        {
            SparsityWeight = Spec.Kind == AutoencoderKind.Sparse ? Spec.SparsityWeight : 0,
            KLWeight = Spec.Kind == AutoencoderKind.Variational ? Spec.KLWeight : 0,
            Samples = Spec.Kind == AutoencoderKind.Variational ? Spec.Samples : 1,
            NoiseLevel = Spec.Kind == AutoencoderKind.Denoising ? Spec.NoiseLevel : 0,
            WindowSize = window,
            ImageHeight = Spec.ImageShape?[0] ?? 0,
            ImageWidth = Spec.ImageShape?[1] ?? 0,
        };

        AutoencoderNet net;
        lock (TorchRuntime.SeedLock)
        {
            torch.random.manual_seed(seed);
            net = AutoencoderNet.Create(arch, seed);
        }

        var history = new List<EpochRecord>();
        bool keep = false;
        try
        {
            using Tensor xTrain = torch.tensor(trainSamples, new long[] { trainEnds.Length, arch.SampleSize });
            using Tensor xVal = torch.tensor(valSamples, new long[] { valEnds.Length, arch.SampleSize });
            using var optimizer = torch.optim.Adam(net.parameters(), Spec.LearningRate);

            List<WeightTensor>? best = null;
            double bestLoss = double.PositiveInfinity;
            int bestEpoch = 0, sinceBest = 0, epochsRun = 0;
            bool stoppedEarly = false, cancelled = false;
            long steps = 0;
            int batch = Math.Min(Spec.BatchSize, trainEnds.Length);
            long[] perm = new long[trainEnds.Length];

            for (int epoch = 1; epoch <= Spec.Epochs && !cancelled; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                net.train();
                for (int i = 0; i < perm.Length; i++)
                {
                    perm[i] = i;
                }

                rng.Shuffle(perm);
                double sum = 0, sumRecon = 0, sumPenalty = 0;
                for (int start = 0; start < perm.Length; start += batch)
                {
                    if (cancel.IsCancellationRequested)
                    {
                        cancelled = true;
                        break;
                    }

                    int len = Math.Min(batch, perm.Length - start);
                    using (NewDisposeScope())
                    {
                        Tensor idx = torch.tensor(perm.AsSpan(start, len).ToArray());
                        Tensor xb = xTrain.index_select(0, idx);
                        optimizer.zero_grad();
                        LossParts loss = net.Loss(xb);
                        loss.Total.backward();
                        optimizer.step();
                        sum += loss.Total.item<float>() * (double)len;
                        sumRecon += loss.Reconstruction.item<float>() * (double)len;
                        sumPenalty += (loss.Penalty?.item<float>() ?? 0) * (double)len;
                    }

                    if (++steps % 100 == 0)
                    {
                        // TorchSharp allocates native scalars that only finalizers free; collect them regularly.
                        GC.Collect();
                    }
                }

                if (cancelled)
                {
                    break;
                }

                double trainLoss = sum / perm.Length;
                if (!double.IsFinite(trainLoss))
                {
                    throw new AnomalyDetectionException(
                        AnomalyErrorKind.TrainingDiverged,
                        $"Training stopped at epoch {epoch}: the loss became {trainLoss.ToString(System.Globalization.CultureInfo.InvariantCulture)}.")
                    {
                        RecommendedAction = $"Lower -LearningRate (now {Spec.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}), or look for extreme values in the input.",
                    };
                }

                double? valLoss = valEnds.Length > 0 ? MeanLoss(net, xVal) : null;
                double monitored = valLoss ?? trainLoss;
                bool improved = monitored < bestLoss;
                epochsRun = epoch;
                if (improved)
                {
                    bestLoss = monitored;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    best = GetWeights(net);
                }
                else
                {
                    sinceBest++;
                }

                bool hasPenalty = arch.KindValue is AutoencoderKind.Sparse or AutoencoderKind.Variational;
                var record = new EpochRecord(
                    epoch, trainLoss, valLoss, epochClock.Elapsed.TotalSeconds, improved,
                    hasPenalty ? sumRecon / perm.Length : null,
                    hasPenalty ? sumPenalty / perm.Length : null);
                history.Add(record);
                onEpoch?.Invoke(record);
                if (Spec.Patience > 0 && sinceBest >= Spec.Patience && epoch < Spec.Epochs)
                {
                    stoppedEarly = true;
                    break;
                }
            }

            if (best is null)
            {
                throw new OperationCanceledException("Training was stopped before the first epoch completed; the model was not changed.");
            }

            SetWeights(net, best);
            net.eval();
            double[] valErrors = valEnds.Length > 0 ? WindowErrors(net, pca, window, allScaled, width, valEnds).Errors : Array.Empty<double>();
            Array.Sort(valErrors);

            var summary = new TrainingSummary(
                rows, trainIdx.Length, valIdx.Length, epochsRun, bestEpoch, bestLoss, stoppedEarly, cancelled, seed,
                torch.get_num_threads(), clock.Elapsed.TotalSeconds, DateTime.UtcNow);

            _sync.EnterWriteLock();
            try
            {
                _network?.Dispose();
                _network = net;
                keep = true;
                Encoding = encoding;
                FeatureMeans = FeatureSchema.ColumnMeans(data, width);
                Scaler = scaler;
                Architecture = arch;
                Pca = pca;
                _history = history;
                Training = summary;
                ValidationErrors = valErrors;
                Threshold = valErrors.Length > 0
                    ? new ThresholdInfo(Thresholds.Percentile(valErrors, 99), "Percentile", 99, valErrors.Length, "training validation split")
                    : null;
            }
            finally
            {
                _sync.ExitWriteLock();
            }
        }
        finally
        {
            if (!keep)
            {
                net.Dispose();
            }

            GC.Collect();
        }
    }

    /// <summary>
    /// Scores rows of raw feature values (row-major) in large batches. With windows, the first
    /// <paramref name="context"/> rows only give context (rows carried over from the previous batch) and are not
    /// scored; a row's score is that of the window ending at it, and rows with fewer than WindowSize - 1 rows
    /// before them get NaN: they have no score yet.
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

            int width = Encoding!.Width;
            if (data.Length != (long)rows * width || context < 0 || context > rows)
            {
                throw new ArgumentException("Data length does not match rows x features.", nameof(data));
            }

            int window = Architecture!.WindowSize;
            float[] scaled = new float[data.Length];
            Scaler.Transform(data, scaled);
            int[] ends = Enumerable.Range(context, rows - context).Where(e => e >= window - 1).ToArray();
            (double[] windowErrors, float[] squared, float[] recon) = WindowErrors(_network, Pca, window, scaled, width, ends);

            int outRows = rows - context;
            var errors = new double[outRows];
            var perFeature = new float[outRows * width];
            var expected = new double[outRows * width];
            int s = 0;
            for (int r = 0; r < outRows; r++)
            {
                bool scored = s < ends.Length && ends[s] == context + r;
                errors[r] = scored ? windowErrors[s] : double.NaN;
                for (int j = 0; j < width; j++)
                {
                    int k = (r * width) + j;
                    perFeature[k] = scored ? squared[(s * width) + j] : float.NaN;
                    expected[k] = scored ? Scaler.Inverse(recon[(s * width) + j], j) : double.NaN;
                }

                if (scored)
                {
                    s++;
                }
            }

            return new ScoreResult(Encoding, outRows, data[(context * width)..].ToArray(), errors, perFeature, expected);
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

            float[] scaled = Scaled(Scaler, raw);
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

    /// <summary>Copies the trained weights out as managed arrays.</summary>
    public IReadOnlyList<WeightTensor> ExportWeights()
    {
        _sync.EnterReadLock();
        try
        {
            return _network is null ? throw NotTrained() : GetWeights(_network);
        }
        finally
        {
            _sync.ExitReadLock();
        }
    }

    /// <summary>Rebuilds a trained model from stored parts; every weight's name and shape is checked first.</summary>
    internal static AnomalyModel Restore(
        ModelSpec spec, FeatureEncoding encoding, Scaler scaler, Pca? pca, Architecture arch, IReadOnlyList<WeightTensor> weights,
        List<EpochRecord> history, TrainingSummary? training, ThresholdInfo? threshold, double[] validationErrors, double[] featureMeans)
    {
        TorchRuntime.EnsureLoaded();
        _ = arch.KindValue;
        if (arch.InputSize != (pca?.Count ?? encoding.Width) || (pca is not null && pca.Width != encoding.Width))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's network, PCA basis and features disagree on their sizes.");
        }

        var model = new AnomalyModel(spec);
        var net = AutoencoderNet.Create(arch, spec.Seed ?? 0);
        try
        {
            SetWeights(net, weights);
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
        model.Architecture = arch;
        model.Pca = pca;
        model._history = history;
        model.Training = training;
        model.Threshold = threshold;
        model.ValidationErrors = validationErrors;
        model.FeatureMeans = featureMeans.Length == encoding.Width ? featureMeans : scaler.Offset.ToArray();
        return model;
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

    private static T[] Gather<T>(T[] data, int[] idx, int width)
    {
        var result = new T[idx.Length * width];
        for (int i = 0; i < idx.Length; i++)
        {
            Array.Copy(data, idx[i] * width, result, i * width, width);
        }

        return result;
    }

    private static float[] Scaled(Scaler scaler, double[] raw)
    {
        var scaled = new float[raw.Length];
        scaler.Transform(raw, scaled);
        return scaled;
    }

    private static double MeanLoss(AutoencoderNet net, Tensor x)
    {
        using var noGrad = torch.no_grad();
        double sum = 0;
        long n = x.shape[0];
        for (long start = 0; start < n; start += ScoreChunk)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(ScoreChunk, n - start);
            Tensor xb = x.narrow(0, start, len);
            sum += nn.functional.mse_loss(net.forward(xb), xb, nn.Reduction.Sum).item<float>();
        }

        return n == 0 ? double.NaN : sum / (n * x.shape[1]);
    }

    /// <summary>
    /// Errors of the windows ending at <paramref name="ends"/> (rows of <paramref name="scaled"/>, <paramref name="width"/>
    /// wide; a window of 1 is the row itself). Per window: the mean squared error over all its values, each
    /// feature's mean squared error over the window's rows, and the reconstruction of its last row.
    /// </summary>
    private static (double[] Errors, float[] Squared, float[] LastRow) WindowErrors(AutoencoderNet net, Pca? pca, int window, float[] scaled, int width, int[] ends)
    {
        int rows = scaled.Length / width;
        float[] netRows = pca?.Project(scaled, rows) ?? scaled;
        int netWidth = pca?.Count ?? width;
        float[] recon = Forward(net, Windows(netRows, netWidth, window, ends), ends.Length, window * netWidth);
        if (pca is not null)
        {
            recon = pca.Reconstruct(recon, ends.Length * window);
        }

        var errors = new double[ends.Length];
        var squared = new float[ends.Length * width];
        var last = new float[ends.Length * width];
        for (int s = 0; s < ends.Length; s++)
        {
            double total = 0;
            for (int t = 0; t < window; t++)
            {
                int row = ends[s] - window + 1 + t;
                for (int j = 0; j < width; j++)
                {
                    float y = recon[(((s * window) + t) * width) + j];
                    double d = (double)y - scaled[(row * width) + j];
                    squared[(s * width) + j] += (float)(d * d / window);
                    total += d * d;
                    if (t == window - 1)
                    {
                        last[(s * width) + j] = y;
                    }
                }
            }

            errors[s] = total / (window * width);
        }

        return (errors, squared, last);
    }

    /// <summary>The windows ending at <paramref name="ends"/>, each flattened row after row.</summary>
    private static float[] Windows(float[] rows, int width, int window, int[] ends)
    {
        var result = new float[ends.Length * window * width];
        for (int s = 0; s < ends.Length; s++)
        {
            Array.Copy(rows, (ends[s] - window + 1) * width, result, s * window * width, window * width);
        }

        return result;
    }

    /// <summary>The network's output for <paramref name="count"/> samples, in large chunks without gradients.</summary>
    private static float[] Forward(AutoencoderNet net, float[] samples, int count, int size)
    {
        var output = new float[samples.Length];
        using var noGrad = torch.no_grad();
        for (int start = 0; start < count; start += ScoreChunk)
        {
            int len = Math.Min(ScoreChunk, count - start);
            using var scope = NewDisposeScope();
            Tensor x = torch.empty(new long[] { len, size }, ScalarType.Float32);
            MemoryMarshal.AsBytes(samples.AsSpan(start * size, len * size)).CopyTo(x.bytes);
            Tensor y = net.forward(x).contiguous();
            MemoryMarshal.Cast<byte, float>(y.bytes).CopyTo(output.AsSpan(start * size, len * size));
        }

        return output;
    }

    private static List<WeightTensor> GetWeights(AutoencoderNet net)
    {
        var list = new List<WeightTensor>();
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in net.named_parameters())
        {
            using Tensor c = p.detach().contiguous();
            list.Add(new WeightTensor(name, c.shape.ToArray(), MemoryMarshal.Cast<byte, float>(c.bytes).ToArray()));
        }

        return list;
    }

    private static void SetWeights(AutoencoderNet net, IReadOnlyList<WeightTensor> weights)
    {
        var byName = weights.ToDictionary(w => w.Name, StringComparer.Ordinal);
        var parameters = net.named_parameters().ToList();
        if (byName.Count != parameters.Count || parameters.Any(p => !byName.ContainsKey(p.name)))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The stored weights do not match the network the model file describes.");
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, p) in parameters)
        {
            WeightTensor w = byName[name];
            if (!w.Shape.SequenceEqual(p.shape) || w.Data.Length != p.numel())
            {
                throw new AnomalyDetectionException(
                    AnomalyErrorKind.InvalidModelFile,
                    $"Weight '{name}' has shape [{string.Join(",", w.Shape)}] in the file but the network needs [{string.Join(",", p.shape)}].");
            }

            using Tensor src = torch.tensor(w.Data, w.Shape);
            p.copy_(src);
        }
    }
}
