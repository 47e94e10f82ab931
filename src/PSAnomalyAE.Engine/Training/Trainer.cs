using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Training;

/// <summary>What <see cref="Trainer.Fit"/> did: the epochs, which one's weights the network now holds, and the intra-op threads it used.</summary>
internal sealed record TrainerResult(List<EpochRecord> History, int EpochsRun, int BestEpoch, double BestLoss, bool StoppedEarly, bool Cancelled, int Threads);

/// <summary>
/// The training loop: shuffled mini-batches, Adam on the network's loss, the validation loss after every epoch,
/// early stopping after <see cref="ModelSpec.Patience"/> epochs without improvement, and a snapshot of the best
/// weights, which the network holds when <see cref="Fit"/> returns.
/// </summary>
internal sealed class Trainer
{
    private const int EvaluationChunk = 16384;
    private readonly ModelSpec _spec;
    private readonly AutoencoderNet _net;
    private readonly Random _rng;

    public Trainer(ModelSpec spec, AutoencoderNet net, Random rng)
    {
        _spec = spec;
        _net = net;
        _rng = rng;
    }

    /// <summary>
    /// Trains on <paramref name="train"/> samples, monitoring <paramref name="validation"/> (or the training loss
    /// when there are no validation samples). Cancelling keeps the best weights of the completed epochs; with none
    /// completed it throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public TrainerResult Fit(float[] train, int trainCount, float[] validation, int validationCount, int sampleSize, Action<EpochRecord>? onEpoch, CancellationToken cancel)
    {
        // The intra-op thread count is per calling thread in libtorch (OpenMP); set it for this run, put it back after.
        int threads = _spec.ThreadCount ?? ModelDefaults.ThreadCount;
        int previousThreads = torch.get_num_threads();
        if (previousThreads != threads)
        {
            torch.set_num_threads(threads);
        }

        try
        {
            return RunOnDevice(train, trainCount, validation, validationCount, sampleSize, onEpoch, cancel) with { Threads = threads };
        }
        finally
        {
            if (previousThreads != threads)
            {
                torch.set_num_threads(previousThreads);
            }
        }
    }

    private TrainerResult RunOnDevice(float[] train, int trainCount, float[] validation, int validationCount, int sampleSize, Action<EpochRecord>? onEpoch, CancellationToken cancel)
    {
        Device device = torch.CPU;
        if (_spec.Device == ComputeDevice.Cuda)
        {
            // Checked before torch.CUDA is touched: without a CUDA libtorch that throws a less helpful error.
            TorchRuntime.RequireDevice(ComputeDevice.Cuda);
            if (_spec.Kind is AutoencoderKind.Denoising or AutoencoderKind.Variational)
            {
                throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"-Architecture {_spec.Kind} draws its noise on the CPU; train it with -Device cpu.");
            }

            device = torch.CUDA;
            _net.to(device);
        }

        try
        {
            return Run(train, trainCount, validation, validationCount, sampleSize, device, onEpoch, cancel);
        }
        finally
        {
            if (_spec.Device == ComputeDevice.Cuda)
            {
                _net.to(torch.CPU); // scoring and model files use the CPU
            }
        }
    }

    private TrainerResult Run(float[] train, int trainCount, float[] validation, int validationCount, int sampleSize, Device device, Action<EpochRecord>? onEpoch, CancellationToken cancel)
    {
        using Tensor xTrain = torch.tensor(train, new long[] { trainCount, sampleSize }, device: device);
        using Tensor xVal = torch.tensor(validation, new long[] { validationCount, sampleSize }, device: device);

        // Every parameter in one flat buffer and every gradient in another: a step is nine native calls however many
        // layers the network has, with the same results as torch.optim.Adam.
        using var optimizer = new FlatAdam(_net, _spec.LearningRate);

        // The epoch's loss sums stay on the device (float64) and are read once per epoch: reading a loss every step
        // waits for the step to finish and costs a native scalar each time. The parts are summed only for the kinds
        // with a penalty (without one, the reconstruction loss is the loss).
        using Tensor sums = torch.zeros(3, dtype: ScalarType.Float64, device: device);
        using Tensor sum = sums[0], sumRecon = sums[1], sumPenalty = sums[2];

        var history = new List<EpochRecord>();
        List<WeightTensor>? best = null;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0, epochsRun = 0;
        bool stoppedEarly = false, cancelled = false;
        int batch = Math.Min(_spec.BatchSize, trainCount);
        long[] perm = new long[trainCount];

        // Sums of full batches are scaled by the batch size once per epoch; a shorter last batch is weighed on its own.
        int fullBatches = trainCount / batch;
        int lastLength = trainCount - (fullBatches * batch);
        using Scalar lastWeight = (lastLength / (double)batch).ToScalar();

        for (int epoch = 1; epoch <= _spec.Epochs && !cancelled; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            _net.train();
            for (int i = 0; i < perm.Length; i++)
            {
                perm[i] = i;
            }

            // The same shuffle as ever (the model's Random), copied to the device once per epoch; batches are views of it.
            _rng.Shuffle(perm);
            using Tensor order = torch.tensor(perm, device: device);
            sums.fill_(HeldScalars.Zero);
            for (int start = 0; start < perm.Length; start += batch)
            {
                if (cancel.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }

                int len = Math.Min(batch, perm.Length - start);
                using (var scope = NewDisposeScope())
                {
                    Tensor xb = xTrain.index_select(0, order.narrow(0, start, len));
                    optimizer.ZeroGrad();
                    LossParts loss = _net.Loss(xb);
                    loss.Total.backward();
                    optimizer.Step();
                    using (torch.no_grad())
                    {
                        if (len == batch)
                        {
                            sum.add_(loss.Total, HeldScalars.One);
                            if (loss.Penalty is not null)
                            {
                                sumRecon.add_(loss.Reconstruction, HeldScalars.One);
                                sumPenalty.add_(loss.Penalty, HeldScalars.One);
                            }
                        }
                        else
                        {
                            sum.add_(loss.Total, lastWeight);
                            if (loss.Penalty is not null)
                            {
                                sumRecon.add_(loss.Reconstruction, lastWeight);
                                sumPenalty.add_(loss.Penalty, lastWeight);
                            }
                        }
                    }
                }
            }

            if (cancelled)
            {
                break;
            }

            double[] totals;
            using (Tensor host = sums.cpu())
            {
                totals = host.data<double>().ToArray();
            }

            double trainLoss = totals[0] * batch / perm.Length;
            if (!double.IsFinite(trainLoss))
            {
                throw new AnomalyDetectionException(
                    AnomalyErrorKind.TrainingDiverged,
                    $"Training stopped at epoch {epoch}: the loss became {trainLoss.ToString(CultureInfo.InvariantCulture)}.")
                {
                    RecommendedAction = $"Lower -LearningRate (now {_spec.LearningRate.ToString(CultureInfo.InvariantCulture)}), or look for extreme values in the input.",
                };
            }

            double? valLoss = null;
            if (validationCount > 0)
            {
                valLoss = MeanLoss(xVal);
            }

            double monitored = valLoss ?? trainLoss;
            bool improved = monitored < bestLoss;
            epochsRun = epoch;
            if (improved)
            {
                bestLoss = monitored;
                bestEpoch = epoch;
                sinceBest = 0;
                best = NetworkState.Get(_net);
            }
            else
            {
                sinceBest++;
            }

            var record = new EpochRecord(
                epoch, trainLoss, valLoss, epochClock.Elapsed.TotalSeconds, improved,
                _net.HasPenalty ? totals[1] * batch / perm.Length : null,
                _net.HasPenalty ? totals[2] * batch / perm.Length : null);
            history.Add(record);
            onEpoch?.Invoke(record);
            if (_spec.Patience > 0 && sinceBest >= _spec.Patience && epoch < _spec.Epochs)
            {
                stoppedEarly = true;
                break;
            }
        }

        if (best is null)
        {
            throw new OperationCanceledException("Training was stopped before the first epoch completed; the model was not changed.");
        }

        NetworkState.Set(_net, best);
        _net.eval();
        return new TrainerResult(history, epochsRun, bestEpoch, bestLoss, stoppedEarly, cancelled, 0);
    }

    /// <summary>The mean squared reconstruction error over every value of <paramref name="x"/>, without gradients.</summary>
    private double MeanLoss(Tensor x)
    {
        using var noGrad = torch.no_grad();
        double sum = 0;
        long n = x.shape[0];
        for (long start = 0; start < n; start += EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            long len = Math.Min(EvaluationChunk, n - start);
            Tensor xb = x.narrow(0, start, len);
            sum += nn.functional.mse_loss(_net.forward(xb), xb, nn.Reduction.Sum).item<float>();
        }

        return n == 0 ? double.NaN : sum / (n * x.shape[1]);
    }
}
