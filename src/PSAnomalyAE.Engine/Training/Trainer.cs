using System.Diagnostics;
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
        int threads = _spec.ThreadCount ?? ModelDefaults.ThreadCount;
        using (TorchRuntime.UseThreads(threads))
        {
            return RunOnDevice(train, trainCount, validation, validationCount, sampleSize, onEpoch, cancel) with { Threads = threads };
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

    /// <summary>
    /// The epoch loop: trains an epoch, measures it, keeps the best weights, records it, and stops after
    /// <see cref="ModelSpec.Epochs"/>, on Ctrl+C, or early; the network is left holding the best weights.
    /// </summary>
    private TrainerResult Run(float[] train, int trainCount, float[] validation, int validationCount, int sampleSize, Device device, Action<EpochRecord>? onEpoch, CancellationToken cancel)
    {
        using Tensor xTrain = Samples(train, trainCount, sampleSize, device);
        using Tensor xVal = Samples(validation, validationCount, sampleSize, device);
        using var pass = new EpochPass(_spec, _net, _rng, xTrain, trainCount, device);
        var best = new BestWeights(_net);
        var history = new List<EpochRecord>();
        bool stoppedEarly = false, cancelled = false;
        for (int epoch = 1; epoch <= _spec.Epochs; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            if (!pass.Train(cancel))
            {
                cancelled = true;
                break;
            }

            EpochLoss loss = pass.Loss(epoch);
            double? valLoss = validationCount > 0 ? MeanLoss(xVal) : null;
            bool improved = best.Offer(valLoss ?? loss.Train, epoch);
            var record = new EpochRecord(epoch, loss.Train, valLoss, epochClock.Elapsed.TotalSeconds, improved, loss.Reconstruction, loss.Penalty);
            history.Add(record);
            onEpoch?.Invoke(record);
            if (_spec.Patience > 0 && best.SinceBest >= _spec.Patience && epoch < _spec.Epochs)
            {
                stoppedEarly = true;
                break;
            }
        }

        best.Restore();
        _net.eval();
        return new TrainerResult(history, history.Count, best.Epoch, best.Loss, stoppedEarly, cancelled, 0);
    }

    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="size"/> values as a tensor on <paramref name="device"/>:
    /// on the CPU the tensor reads the array itself (pinned while the tensor lives), not a copy of it.
    /// </summary>
    private static Tensor Samples(float[] samples, int count, int size, Device device)
    {
        if (samples.Length == 0 || device.type != DeviceType.CPU)
        {
            return torch.tensor(samples, new long[] { count, size }, device: device);
        }

        using Tensor flat = torch.frombuffer(samples, ScalarType.Float32);
        return flat.view(count, size);
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

    /// <summary>The best epoch so far (the lowest monitored loss) and a snapshot of the network's weights after it.</summary>
    private sealed class BestWeights
    {
        private readonly AutoencoderNet _net;
        private List<WeightTensor>? _snapshot;

        public BestWeights(AutoencoderNet net) => _net = net;

        public double Loss { get; private set; } = double.PositiveInfinity;

        public int Epoch { get; private set; }

        /// <summary>Epochs since the best one.</summary>
        public int SinceBest { get; private set; }

        /// <summary>Takes a snapshot of the weights when <paramref name="monitored"/> is a new best; returns whether it was.</summary>
        public bool Offer(double monitored, int epoch)
        {
            if (!(monitored < Loss))
            {
                SinceBest++;
                return false;
            }

            Loss = monitored;
            Epoch = epoch;
            SinceBest = 0;
            _snapshot = NetworkState.Get(_net);
            return true;
        }

        /// <summary>Puts the best weights back; with no epoch completed, throws <see cref="OperationCanceledException"/>.</summary>
        public void Restore()
        {
            if (_snapshot is null)
            {
                throw new OperationCanceledException("Training was stopped before the first epoch completed; the model was not changed.");
            }

            NetworkState.Set(_net, _snapshot);
        }
    }
}
