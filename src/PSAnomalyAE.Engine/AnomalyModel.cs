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
    private Autoencoder? _network;
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

        int[] order = Enumerable.Range(0, rows).ToArray();
        rng.Shuffle(order);
        int valCount = (int)Math.Floor(rows * Spec.ValidationFraction);
        if (valCount >= rows)
        {
            valCount = rows - 1;
        }

        int[] valIdx = order[..valCount];
        int[] trainIdx = order[valCount..];
        Array.Sort(valIdx);
        Array.Sort(trainIdx);

        double[] trainRaw = Gather(data, trainIdx, width);
        bool[] indicators = encoding.ColumnOf.Select(c => encoding.Categories[c] is not null).ToArray();
        Scaler scaler = Scaler.Fit(Spec.Scaling, trainRaw, trainIdx.Length, width, indicators);
        float[] trainScaled = new float[trainRaw.Length];
        scaler.Transform(trainRaw, trainScaled);
        double[] valRaw = Gather(data, valIdx, width);
        float[] valScaled = new float[valRaw.Length];
        scaler.Transform(valRaw, valScaled);

        Pca? pca = null;
        int netWidth = width;
        if (Spec.PcaComponents is { } components)
        {
            pca = Pca.Fit(trainScaled, trainIdx.Length, width, components);
            trainScaled = pca.Project(trainScaled, trainIdx.Length);
            valScaled = pca.Project(valScaled, valIdx.Length);
            netWidth = pca.Count;
        }

        var arch = new Architecture(
            Spec.Kind.ToString(),
            netWidth,
            Spec.ResolveHidden(netWidth),
            Spec.ResolveLatent(netWidth),
            Spec.Activation,
            Spec.Scaling == ScalingMethod.MinMax && pca is null)
        {
            SparsityWeight = Spec.Kind == AutoencoderKind.Sparse ? Spec.SparsityWeight : 0,
            KLWeight = Spec.Kind == AutoencoderKind.Variational ? Spec.KLWeight : 0,
            Samples = Spec.Kind == AutoencoderKind.Variational ? Spec.Samples : 1,
            NoiseLevel = Spec.Kind == AutoencoderKind.Denoising ? Spec.NoiseLevel : 0,
        };

        Autoencoder net;
        lock (TorchRuntime.SeedLock)
        {
            torch.random.manual_seed(seed);
            net = new Autoencoder(arch, seed);
        }

        var history = new List<EpochRecord>();
        bool keep = false;
        try
        {
            using Tensor xTrain = torch.tensor(trainScaled, new long[] { trainIdx.Length, netWidth });
            using Tensor xVal = torch.tensor(valScaled, new long[] { valIdx.Length, netWidth });
            using var optimizer = torch.optim.Adam(net.parameters(), Spec.LearningRate);

            List<WeightTensor>? best = null;
            double bestLoss = double.PositiveInfinity;
            int bestEpoch = 0, sinceBest = 0, epochsRun = 0;
            bool stoppedEarly = false, cancelled = false;
            long steps = 0;
            int batch = Math.Min(Spec.BatchSize, trainIdx.Length);
            long[] perm = new long[trainIdx.Length];

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

                double? valLoss = valIdx.Length > 0 ? MeanLoss(net, xVal) : null;
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
            double[] valErrors = valIdx.Length > 0 ? RowErrors(net, pca, Scaled(scaler, valRaw), valIdx.Length, width) : Array.Empty<double>();
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

    /// <summary>Scores <paramref name="rows"/> rows of raw feature values (row-major) in large batches.</summary>
    public ScoreResult Score(ReadOnlySpan<double> data, int rows)
    {
        _sync.EnterReadLock();
        try
        {
            if (_network is null || Scaler is null)
            {
                throw NotTrained();
            }

            int width = Encoding!.Width;
            if (data.Length != (long)rows * width)
            {
                throw new ArgumentException("Data length does not match rows x features.", nameof(data));
            }

            float[] scaled = new float[data.Length];
            Scaler.Transform(data, scaled);
            float[] recon = Reconstruct(_network, Pca, scaled, rows, width);

            var errors = new double[rows];
            var squared = new float[data.Length];
            var expected = new double[data.Length];
            for (int i = 0; i < rows; i++)
            {
                double sum = 0;
                for (int j = 0; j < width; j++)
                {
                    int k = (i * width) + j;
                    double diff = (double)recon[k] - scaled[k];
                    squared[k] = (float)(diff * diff);
                    sum += diff * diff;
                    expected[k] = Scaler.Inverse(recon[k], j);
                }

                errors[i] = sum / width;
            }

            return new ScoreResult(Encoding, rows, data.ToArray(), errors, squared, expected);
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
        var net = new Autoencoder(arch, spec.Seed ?? 0);
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

    private static double[] Gather(double[] data, int[] idx, int width)
    {
        var result = new double[idx.Length * width];
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

    private static double MeanLoss(Autoencoder net, Tensor x)
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

    private static double[] RowErrors(Autoencoder net, Pca? pca, float[] scaled, int rows, int width)
    {
        float[] recon = Reconstruct(net, pca, scaled, rows, width);
        var errors = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double sum = 0;
            for (int j = 0; j < width; j++)
            {
                double d = (double)recon[(i * width) + j] - scaled[(i * width) + j];
                sum += d * d;
            }

            errors[i] = sum / width;
        }

        return errors;
    }

    /// <summary>The network's reconstruction of scaled rows, in the scaled input space (through the PCA basis when there is one).</summary>
    private static float[] Reconstruct(Autoencoder net, Pca? pca, float[] scaled, int rows, int width)
    {
        if (pca is not null)
        {
            return pca.Reconstruct(Reconstruct(net, null, pca.Project(scaled, rows), rows, pca.Count), rows);
        }

        var recon = new float[scaled.Length];
        using var noGrad = torch.no_grad();
        for (int start = 0; start < rows; start += ScoreChunk)
        {
            int len = Math.Min(ScoreChunk, rows - start);
            using var scope = NewDisposeScope();
            Tensor x = torch.empty(new long[] { len, width }, ScalarType.Float32);
            MemoryMarshal.AsBytes(scaled.AsSpan(start * width, len * width)).CopyTo(x.bytes);
            Tensor y = net.forward(x).contiguous();
            MemoryMarshal.Cast<byte, float>(y.bytes).CopyTo(recon.AsSpan(start * width, len * width));
        }

        return recon;
    }

    private static List<WeightTensor> GetWeights(Autoencoder net)
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

    private static void SetWeights(Autoencoder net, IReadOnlyList<WeightTensor> weights)
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
