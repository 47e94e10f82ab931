using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Training;

/// <summary>The training loss of one epoch, and its parts for kinds with a penalty (null otherwise).</summary>
internal readonly record struct EpochLoss(double Train, double? Reconstruction, double? Penalty);

/// <summary>
/// One epoch's pass over the training rows, repeated: the rows shuffled by the model's <see cref="Random"/>, then one
/// Adam step per mini-batch, with the epoch's loss summed on the device and read once at the end.
/// </summary>
internal sealed class EpochPass : IDisposable
{
    private readonly ModelSpec _spec;
    private readonly AutoencoderNet _net;
    private readonly Random _rng;
    private readonly Device _device;
    private readonly Tensor _rows;
    private readonly FlatAdam _optimizer;
    private readonly Tensor _sums, _sum, _sumRecon, _sumPenalty;
    private readonly Scalar _lastWeight;
    private readonly long[] _perm;
    private readonly int _batch;

    /// <summary>Prepares the optimizer and the loss sums for training on <paramref name="rows"/> (<paramref name="count"/> samples on <paramref name="device"/>).</summary>
    public EpochPass(ModelSpec spec, AutoencoderNet net, Random rng, Tensor rows, int count, Device device)
    {
        _spec = spec;
        _net = net;
        _rng = rng;
        _device = device;
        _rows = rows;

        // Every parameter in one flat buffer and every gradient in another: a step is nine native calls however many
        // layers the network has, with the same results as torch.optim.Adam.
        _optimizer = new FlatAdam(net, spec.LearningRate);

        // The epoch's loss sums stay on the device (float64) and are read once per epoch: reading a loss every step
        // waits for the step to finish and costs a native scalar each time. The parts are summed only for the kinds
        // with a penalty (without one, the reconstruction loss is the loss).
        _sums = torch.zeros(3, dtype: ScalarType.Float64, device: device);
        _sum = _sums[0];
        _sumRecon = _sums[1];
        _sumPenalty = _sums[2];
        _batch = Math.Min(spec.BatchSize, count);
        _perm = new long[count];

        // Sums of full batches are scaled by the batch size once per epoch; a shorter last batch is weighed on its own.
        int fullBatches = count / _batch;
        int lastLength = count - (fullBatches * _batch);
        _lastWeight = (lastLength / (double)_batch).ToScalar();
    }

    /// <summary>
    /// Trains one epoch, one Adam step per mini-batch of the shuffled rows. Returns false, with the epoch unfinished,
    /// when <paramref name="cancel"/> fires before a batch.
    /// </summary>
    public bool Train(CancellationToken cancel)
    {
        _net.train();
        for (int i = 0; i < _perm.Length; i++)
        {
            _perm[i] = i;
        }

        // The same shuffle as ever (the model's Random), copied to the device once per epoch; batches are views of it.
        _rng.Shuffle(_perm);
        using Tensor order = torch.tensor(_perm, device: _device);
        _sums.fill_(HeldScalars.Zero);
        for (int start = 0; start < _perm.Length; start += _batch)
        {
            if (cancel.IsCancellationRequested)
            {
                return false;
            }

            Step(order, start, Math.Min(_batch, _perm.Length - start));
        }

        return true;
    }

    /// <summary>
    /// The mean loss of the epoch just trained; throws <see cref="AnomalyDetectionException"/> (TrainingDiverged)
    /// when it is not a finite number.
    /// </summary>
    public EpochLoss Loss(int epoch)
    {
        double[] totals;
        using (Tensor host = _sums.cpu())
        {
            totals = host.data<double>().ToArray();
        }

        double trainLoss = totals[0] * _batch / _perm.Length;
        if (!double.IsFinite(trainLoss))
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.TrainingDiverged,
                $"Training stopped at epoch {epoch}: the loss became {trainLoss.ToString(CultureInfo.InvariantCulture)}.")
            {
                RecommendedAction = $"Lower -LearningRate (now {_spec.LearningRate.ToString(CultureInfo.InvariantCulture)}), or look for extreme values in the input.",
            };
        }

        return new EpochLoss(
            trainLoss,
            _net.HasPenalty ? totals[1] * _batch / _perm.Length : null,
            _net.HasPenalty ? totals[2] * _batch / _perm.Length : null);
    }

    public void Dispose()
    {
        _lastWeight.Dispose();
        _sumPenalty.Dispose();
        _sumRecon.Dispose();
        _sum.Dispose();
        _sums.Dispose();
        _optimizer.Dispose();
    }

    /// <summary>One Adam step on the <paramref name="length"/> rows at <paramref name="start"/> of <paramref name="order"/>, its loss added to the sums.</summary>
    private void Step(Tensor order, int start, int length)
    {
        using var scope = NewDisposeScope();
        Tensor xb = _rows.index_select(0, order.narrow(0, start, length));
        _optimizer.ZeroGrad();
        LossParts loss = _net.Loss(xb);
        loss.Total.backward();
        _optimizer.Step();
        using (torch.no_grad())
        {
            Scalar weight = length == _batch ? HeldScalars.One : _lastWeight;
            _sum.add_(loss.Total, weight);
            if (loss.Penalty is not null)
            {
                _sumRecon.add_(loss.Reconstruction, weight);
                _sumPenalty.add_(loss.Penalty, weight);
            }
        }
    }
}
