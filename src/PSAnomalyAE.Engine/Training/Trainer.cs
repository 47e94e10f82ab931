using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Training;

/// <summary>What <see cref="Trainer.Fit"/> did: the epochs, and which one's weights the network now holds.</summary>
internal sealed record TrainerResult(List<EpochRecord> History, int EpochsRun, int BestEpoch, double BestLoss, bool StoppedEarly, bool Cancelled);

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
        using Tensor xTrain = torch.tensor(train, new long[] { trainCount, sampleSize });
        using Tensor xVal = torch.tensor(validation, new long[] { validationCount, sampleSize });
        using var optimizer = torch.optim.Adam(_net.parameters(), _spec.LearningRate);

        var history = new List<EpochRecord>();
        List<WeightTensor>? best = null;
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0, epochsRun = 0;
        bool stoppedEarly = false, cancelled = false;
        long steps = 0;
        int batch = Math.Min(_spec.BatchSize, trainCount);
        long[] perm = new long[trainCount];

        for (int epoch = 1; epoch <= _spec.Epochs && !cancelled; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            _net.train();
            for (int i = 0; i < perm.Length; i++)
            {
                perm[i] = i;
            }

            _rng.Shuffle(perm);
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
                    LossParts loss = _net.Loss(xb);
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
                    $"Training stopped at epoch {epoch}: the loss became {trainLoss.ToString(CultureInfo.InvariantCulture)}.")
                {
                    RecommendedAction = $"Lower -LearningRate (now {_spec.LearningRate.ToString(CultureInfo.InvariantCulture)}), or look for extreme values in the input.",
                };
            }

            double? valLoss = validationCount > 0 ? MeanLoss(xVal) : null;
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
                _net.HasPenalty ? sumRecon / perm.Length : null,
                _net.HasPenalty ? sumPenalty / perm.Length : null);
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
        return new TrainerResult(history, epochsRun, bestEpoch, bestLoss, stoppedEarly, cancelled);
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
