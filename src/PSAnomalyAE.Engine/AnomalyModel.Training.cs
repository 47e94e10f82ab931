using System.Diagnostics;
using TorchSharp;

namespace PSAnomalyAE.Engine;

// Training: a new network, or more epochs on a trained one, put in place with everything scoring needs at once.
public sealed partial class AnomalyModel
{
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
        RequireWidth(encoding);
        RequireRows(data, rows, encoding.Width, "There are no valid training rows.");
        Train(encoding, TrainingRows.Of(data, rows, encoding.Width), onEpoch, cancel);
    }

    /// <summary>
    /// Trains on <paramref name="rows"/>, encoded by <paramref name="encoding"/>. The rows are let go once the
    /// network's samples are made from them (<see cref="ITrainingRows.Release"/>), so they need not stay in memory
    /// while the network trains.
    /// </summary>
    public void Train(FeatureEncoding encoding, ITrainingRows rows, Action<EpochRecord>? onEpoch = null, CancellationToken cancel = default)
    {
        RequireWidth(encoding);
        if (rows.Width != encoding.Width)
        {
            throw new ArgumentException("The rows do not have the encoding's width.", nameof(rows));
        }

        RequireRows(rows.Count, "There are no valid training rows.");
        TrainingChecks.RequireSeveralRows(rows.Count);
        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        int seed = Spec.Seed ?? Random.Shared.Next();
        var rng = new Random(seed);
        TrainingSet set = TrainingSet.Prepare(Spec, encoding, rows, rng);
        TrainingChecks.RequireNarrowBottleneck(Spec, set);
        NetworkShape shape = NetworkShape.For(Spec, set.NetWidth, set.Pca is not null);
        if (shape.Problem(Spec) is { } why)
        {
            // Refused before the network is built: a model the module trains must be one it can load again.
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "This network is too large: " + why)
            {
                RecommendedAction = "Choose smaller hidden and latent sizes, or reduce the inputs with PCA first.",
            };
        }

        AutoencoderNet net = CreateNetwork(shape, seed, start: null);
        bool keep = false;
        try
        {
            (TrainerResult fit, double[] valErrors, IReadOnlyList<IScoreTerm> terms, ScoreChoice? choice) = Fit(net, set, rng, seed, onEpoch, cancel);

            var summary = new TrainingSummary(
                set.Rows, set.TrainRows, set.ValidationRows, fit.EpochsRun, fit.BestEpoch, fit.BestLoss, fit.StoppedEarly, fit.Cancelled, seed,
                fit.Threads, clock.Elapsed.TotalSeconds, DateTime.UtcNow);

            Install(
                net, encoding, set.Means, set.Ranges, set.Scaler, shape, set.Pca, terms, choice, fit.History, summary, valErrors,
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
        // An untrained model has no width yet: it is refused before the rows are looked at.
        int width = Math.Max(trained.Encoding?.Width ?? 0, 1);
        int given = trained.Encoding is null ? 0 : Math.Max(rows, 0);
        if (given >= 1 && data.Length != (long)given * width)
        {
            throw new ArgumentException("Data length does not match rows x features.", nameof(data));
        }

        return ContinueTraining(trained, TrainingRows.Of(data, given, width), onEpoch, cancel);
    }

    /// <summary>
    /// As <see cref="ContinueTraining(AnomalyModel, double[], int, Action{EpochRecord}?, CancellationToken)"/> on
    /// <paramref name="rows"/>, encoded by <paramref name="trained"/>'s <see cref="Encoding"/>; the rows are let go
    /// once the network's samples are made from them.
    /// </summary>
    public bool ContinueTraining(AnomalyModel trained, ITrainingRows rows, Action<EpochRecord>? onEpoch = null, CancellationToken cancel = default)
    {
        FeatureEncoding encoding;
        Scaler scaler;
        Pca? pca;
        NetworkShape trainedShape;
        IReadOnlyList<WeightTensor> weights;
        List<EpochRecord> earlier;
        ThresholdChoice? earlierThreshold;
        double[] earlierMeans;
        FeatureRanges? earlierRanges;
        ScoreMethod trainedScore;
        trained._sync.EnterReadLock();
        try
        {
            if (trained.Network is not { } trainedNetwork || trained.Scaler is null)
            {
                throw NotTrained();
            }

            (encoding, scaler, pca, trainedShape) = (trained.Encoding!, trained.Scaler, trained.Pca, trained.Shape!);
            weights = NetworkState.Get(trainedNetwork);
            earlier = trained._history.ToList();
            earlierThreshold = trained._threshold;
            earlierMeans = trained.FeatureMeans;
            earlierRanges = trained.Ranges;
            trainedScore = trained.Scoring;
        }
        finally
        {
            trained._sync.ExitReadLock();
        }

        RequireSameNetwork(trained.Spec);

        // The model goes on scoring as it did: its threshold was chosen on those scores.
        Spec.Scoring = trainedScore;
        if (rows.Width != encoding.Width)
        {
            throw new ArgumentException("The rows do not have the trained model's width.", nameof(rows));
        }

        RequireRows(rows.Count, "There are no valid rows to continue training on.");

        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        int seed = Spec.Seed ?? Random.Shared.Next();
        var rng = new Random(seed);
        TrainingSet set = TrainingSet.Prepare(Spec, encoding, rows, rng, scaler, pca);
        AutoencoderNet net = CreateNetwork(trainedShape, seed, start: weights);
        bool keep = false;
        try
        {
            (TrainerResult fit, double[] valErrors, IReadOnlyList<IScoreTerm> terms, ScoreChoice? choice) = Fit(net, set, rng, seed, onEpoch, cancel);

            int offset = earlier.Count > 0 ? earlier[^1].Epoch : 0;
            var history = earlier.Concat(fit.History.Select(e => e with { Epoch = e.Epoch + offset })).ToList();
            var summary = new TrainingSummary(
                set.Rows, set.TrainRows, set.ValidationRows, offset + fit.EpochsRun, offset + fit.BestEpoch, fit.BestLoss, fit.StoppedEarly, fit.Cancelled, seed,
                fit.Threads, clock.Elapsed.TotalSeconds, DateTime.UtcNow);
            bool provisional = earlierThreshold is null || earlierThreshold.Source == ProvisionalSource;

            bool fresh = valErrors.Length > 0;
            Install(
                net, encoding, earlierMeans, set.Ranges.Union(earlierRanges), scaler, trainedShape, pca, fresh ? terms : trained.ScoreTerms, fresh ? choice : trained.ScoreChoice, history, summary,
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
        AutoencoderNet net, FeatureEncoding encoding, double[] featureMeans, FeatureRanges ranges, Scaler scaler, NetworkShape shape, Pca? pca, IReadOnlyList<IScoreTerm> terms,
        ScoreChoice? choice, List<EpochRecord> history, TrainingSummary summary, double[] validationErrors, ThresholdChoice? threshold)
    {
        _sync.EnterWriteLock();
        try
        {
            DisposeNetwork();
            _network = net;
            Encoding = encoding;
            FeatureMeans = featureMeans;
            Ranges = ranges;
            Scaler = scaler;
            Shape = shape;
            Pca = pca;
            ScoreTerms = terms;
            ScoreChoice = choice;
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

    /// <summary>Checks that <paramref name="data"/> holds <paramref name="rows"/> rows (at least one) of <paramref name="width"/> values.</summary>
    private static void RequireRows(double[] data, int rows, int width, string noRows)
    {
        RequireRows(rows, noRows);
        if (data.Length != (long)rows * width)
        {
            throw new ArgumentException("Data length does not match rows x features.", nameof(data));
        }
    }

    private static void RequireRows(int rows, string noRows)
    {
        if (rows < 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, noRows)
            {
                RecommendedAction = "Pipe rows of normal data into Invoke-AETraining.",
            };
        }
    }

    private static void RequireWidth(FeatureEncoding encoding)
    {
        if (encoding.Width == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "A model needs at least one feature column.");
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
    /// Trains <paramref name="net"/> on <paramref name="set"/> and returns the run, the score terms fitted on the
    /// training samples and calibrated on the held-out ones, and the held-out rows' scores, sorted and scored as
    /// <see cref="Score(ReadOnlySpan{double}, int, int)"/> scores them (same thread count).
    /// </summary>
    private (TrainerResult Fit, double[] ValidationErrors, IReadOnlyList<IScoreTerm> Terms, ScoreChoice? Choice) Fit(AutoencoderNet net, TrainingSet set, Random rng, int seed, Action<EpochRecord>? onEpoch, CancellationToken cancel)
    {
        TrainerResult fit = new Trainer(Spec, net, rng).Fit(
            set.TrainSamples, set.TrainEnds.Length, set.ValidationSamples, set.ValidationEnds.Length, set.SampleSize, onEpoch, cancel);
        if (set.ValidationEnds.Length == 0)
        {
            return (fit, Array.Empty<double>(), Engine.Scoring.ScoreTerms.Plain, null);
        }

        using var threads = TorchRuntime.UseThreads(ModelDefaults.ThreadCount);
        (float[] heldRows, int[] heldEnds) = set.HeldOutRows();
        TermBatch heldOut = BatchScorer.Reconstruct(net, set.Pca, set.Window, heldRows, set.Width, heldEnds, errorsOnly: true);
        var training = new TermTraining(set.TrainSamples, heldOut, rng) { Seed = seed };
        IReadOnlyList<IScoreTerm> terms;
        ScoreChoice? choice = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (Spec.Scoring == ScoreMethod.Auto && Engine.Scoring.ScoreTerms.FitEach(training) is { Count: > 0 } all)
        {
            choice = ScoreSelection.FromTraining(net, set, heldOut, all, rng, ModelDefaults.ScoreChoiceMargin) with { Seconds = clock.Elapsed.TotalSeconds };
            terms = choice.ScoreTerms;
        }
        else
        {
            terms = Engine.Scoring.ScoreTerms.Fit(Spec.Scoring == ScoreMethod.Auto ? ScoreMethod.Reconstruction : Spec.Scoring, training);
        }

        double[] scores = Engine.Scoring.ScoreTerms.Compose(terms, Engine.Scoring.ScoreTerms.Measure(terms, heldOut));
        Array.Sort(scores);
        return (fit, scores, terms, choice);
    }
}
