using PSAnomalyAE.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine;

/// <summary>The parts of a model a stream that keeps learning uses: a copy of its own to change, and learning steps on it.</summary>
public sealed partial class AnomalyModel
{
    /// <summary>
    /// A copy of this trained model with its own network, holding <paramref name="weights"/> (null: this model's). The
    /// copy scores and saves like any model; learning changes it, never this one.
    /// </summary>
    internal AnomalyModel Copy(IReadOnlyList<WeightTensor>? weights = null)
    {
        if (!IsTrained)
        {
            throw NotTrained();
        }

        AnomalyModel copy = Restore(
            Spec, Encoding!, Scaler!, Pca, Shape!, weights ?? ExportWeights(), _history.ToList(), Training, Threshold, _validationErrors, FeatureMeans,
            Name, Description, ScoreTerms, ScoreChoice);
        copy.Ranges = Ranges;
        copy.SourcePath = SourcePath;
        return copy;
    }

    /// <summary>An Adam optimizer over this model's network, for <see cref="LearnStep"/>.</summary>
    internal FlatAdam CreateOptimizer(double learningRate)
    {
        _sync.EnterWriteLock();
        try
        {
            return new FlatAdam(Network ?? throw NotTrained(), learningRate);
        }
        finally
        {
            _sync.ExitWriteLock();
        }
    }

    /// <summary>
    /// One Adam step of the network on <paramref name="count"/> samples (scaled, as the network reads them), with the
    /// training loss of its kind. Torch's random numbers (dropout, a variational sample) come from <paramref name="seed"/>,
    /// so the step is the same in every run.
    /// </summary>
    internal void LearnStep(float[] samples, int count, FlatAdam optimizer, int seed)
    {
        _sync.EnterWriteLock();
        try
        {
            AutoencoderNet net = Network ?? throw NotTrained();
            using var threads = TorchRuntime.UseThreads(ModelDefaults.ThreadCount);
            lock (TorchRuntime.SeedLock)
            {
                using var scope = NewDisposeScope();
                using (torch.random.manual_seed(seed))
                {
                }

                net.train();
                try
                {
                    Tensor x = torch.tensor(samples, new long[] { count, samples.Length / count });
                    optimizer.ZeroGrad();
                    LossParts loss = net.Loss(x);
                    loss.Total.backward();
                    optimizer.Step();
                }
                finally
                {
                    net.eval();
                }
            }
        }
        finally
        {
            _sync.ExitWriteLock();
        }
    }
}
