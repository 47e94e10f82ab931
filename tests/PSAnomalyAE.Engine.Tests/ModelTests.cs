using System.Globalization;
using PSAnomalyAE.Engine;
using Xunit;
using Xunit.Abstractions;

namespace PSAnomalyAE.Engine.Tests;

public class ModelTests
{
    private readonly ITestOutputHelper _output;

    public ModelTests(ITestOutputHelper output) => _output = output;

    private static AnomalyModel Trained(int rows, int width, int rank, int seed, int epochs = 60, int? latent = null, ScoreMethod score = ModelDefaults.Scoring)
    {
        var model = new AnomalyModel(new ModelSpec { LatentSize = latent ?? rank, Epochs = epochs, Seed = seed, Patience = 0, BatchSize = 64, LearningRate = 3e-3, Scoring = score });
        model.Train(TestData.Names(width), TestData.LowRank(rows, width, rank, 0.05, seed), rows);
        return model;
    }

    [Fact]
    public void A_network_learns_a_low_rank_signal()
    {
        using AnomalyModel model = Trained(2000, 10, 3, seed: 11);
        EpochRecord last = model.History[^1];
        _output.WriteLine($"first validation loss {model.History[0].ValidationLoss:G4}, best {model.Training!.BestLoss:G4}");

        // Z-scored features have variance 1; a 3-unit bottleneck should explain almost all of it.
        Assert.True(model.Training!.BestLoss < 0.05, $"validation loss {model.Training.BestLoss} should be well below the variance 1");
        Assert.True(last.TrainLoss < model.History[0].TrainLoss / 5);
        Assert.Equal(400, model.Training.ValidationRows);
        Assert.Equal(new[] { 10, 3 }, new[] { model.Shape!.InputSize, model.Shape.LatentSize });
    }

    [Fact]
    public void Scores_have_the_shapes_and_values_a_caller_relies_on()
    {
        // Scored by the reconstruction alone, a row's error is the mean of its squared errors.
        using AnomalyModel model = Trained(500, 6, 2, seed: 3, epochs: 20, score: ScoreMethod.Reconstruction);
        double[] data = TestData.LowRank(7, 6, 2, 0.05, seed: 99);
        ScoreResult r = model.Score(data, 7);

        Assert.Equal((7, 6), (r.Rows, r.Width));
        Assert.Equal(7, r.Scores.Length);
        Assert.Equal(42, r.SquaredErrors.Length);
        Assert.Equal(42, r.Expected.Length);
        for (int i = 0; i < 7; i++)
        {
            double mean = r.SquaredErrors.Skip(i * 6).Take(6).Average(v => (double)v);
            Assert.Equal(mean, r.Scores[i], 6);
        }

        FeatureContribution[] top = r.TopFeatures(0, 3);
        Assert.Equal(3, top.Length);
        Assert.True(top[0].Share >= top[1].Share && top[1].Share >= top[2].Share);
        Assert.Equal(data[top[0].Index], (double)top[0].Value);
    }

    [Fact]
    public void A_row_far_off_the_learned_relationship_scores_higher()
    {
        using AnomalyModel model = Trained(1500, 8, 2, seed: 5);
        double[] normal = TestData.LowRank(200, 8, 2, 0.05, seed: 5); // same mixing, fresh factors
        double[] odd = normal.ToArray();
        for (int i = 0; i < 200; i++)
        {
            odd[(i * 8) + 3] += 4; // break one column's relationship with the others
        }

        double normalMean = model.Score(normal, 200).Scores.Average();
        double oddMean = model.Score(odd, 200).Scores.Average();
        Assert.True(oddMean > 10 * normalMean, $"{oddMean} vs {normalMean}");
        FeatureContribution top = model.Score(odd, 200).TopFeatures(0, 1)[0];
        Assert.Equal("f3", top.Feature);
        Assert.Equal("High", top.Direction);
    }

    [Fact]
    public void The_same_seed_gives_exactly_the_same_model()
    {
        using AnomalyModel a = Trained(600, 5, 2, seed: 42, epochs: 10);
        using AnomalyModel b = Trained(600, 5, 2, seed: 42, epochs: 10);
        Assert.Equal(a.History.Select(h => h.TrainLoss), b.History.Select(h => h.TrainLoss));
        double[] probe = TestData.LowRank(50, 5, 2, 0.1, seed: 1);
        Assert.Equal(a.Score(probe, 50).Scores, b.Score(probe, 50).Scores);
        Assert.Equal(a.Threshold, b.Threshold);
    }

    [Fact]
    public void Training_uses_the_chosen_thread_count_and_is_reproducible_at_it()
    {
        const int rows = 600, width = 5;
        double[] data = TestData.LowRank(rows, width, 2, 0.05, seed: 3);
        AnomalyModel Train(int? threads)
        {
            var model = new AnomalyModel(new ModelSpec { LatentSize = 2, Epochs = 4, Seed = 5, ThreadCount = threads });
            model.Train(TestData.Names(width), data, rows);
            return model;
        }

        int before = TorchSharp.torch.get_num_threads();
        using AnomalyModel one = Train(null), two = Train(2), twoAgain = Train(2);
        Assert.Equal(ModelDefaults.ThreadCount, one.Training!.Threads);
        Assert.Equal(2, two.Training!.Threads);
        Assert.Equal(two.History.Select(h => h.TrainLoss), twoAgain.History.Select(h => h.TrainLoss));
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void Training_on_cuda_without_a_cuda_libtorch_fails_clearly()
    {
        TorchRuntime.EnsureLoaded();
        if (TorchSharp.torch.cuda.is_available())
        {
            return; // a CUDA build with a GPU: nothing to refuse
        }

        using var model = new AnomalyModel(new ModelSpec { Epochs = 1, Seed = 1, Device = ComputeDevice.Cuda });
        var ex = Assert.Throws<AnomalyDetectionException>(() => model.Train(TestData.Names(3), TestData.LowRank(50, 3, 1, 0.05, 1), 50));
        Assert.Equal(AnomalyErrorKind.NativeRuntime, ex.Kind);
        Assert.Contains("TorchSharp-cuda-linux", ex.RecommendedAction);
        Assert.False(model.IsTrained);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch()
    {
        var model = new AnomalyModel(new ModelSpec { Epochs = 300, Patience = 3, Seed = 1, LearningRate = 0.05 });
        model.Train(TestData.Names(4), TestData.LowRank(300, 4, 1, 0.3, seed: 2), 300);
        TrainingSummary t = model.Training!;
        Assert.True(t.StoppedEarly);
        Assert.Equal(t.BestEpoch + 3, t.EpochsRun);
        Assert.Equal(model.History.Min(h => h.ValidationLoss!.Value), t.BestLoss);
        model.Dispose();
    }

    [Fact]
    public void Cancelling_keeps_the_best_weights_so_far()
    {
        using var cts = new CancellationTokenSource();
        var model = new AnomalyModel(new ModelSpec { Epochs = 1000, Seed = 4, Patience = 0 });
        model.Train(TestData.Names(4), TestData.LowRank(400, 4, 2, 0.1, 4), 400, e =>
        {
            if (e.Epoch == 3)
            {
                cts.Cancel();
            }
        }, cts.Token);

        Assert.True(model.IsTrained);
        Assert.True(model.Training!.Cancelled);
        Assert.Equal(3, model.History.Count);
        Assert.Equal(400, model.Score(TestData.LowRank(400, 4, 2, 0.1, 4), 400).Rows);
        model.Dispose();
    }

    [Fact]
    public void Cancelling_before_the_first_epoch_leaves_the_model_unchanged()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var model = new AnomalyModel(new ModelSpec { Seed = 1 });
        Assert.Throws<OperationCanceledException>(() => model.Train(TestData.Names(3), TestData.LowRank(50, 3, 1, 0.1, 1), 50, null, cts.Token));
        Assert.False(model.IsTrained);
    }

    [Fact]
    public void Training_sets_a_provisional_threshold_from_the_validation_split()
    {
        using AnomalyModel model = Trained(500, 4, 2, seed: 8, epochs: 5);
        Assert.NotNull(model.Threshold);
        Assert.Equal(100, model.ValidationErrors.Length);
        Assert.Equal(ThresholdRules.Percentile(model.ValidationErrors, 99), model.Threshold!.Value);
    }

    [Fact]
    public void Constant_columns_and_two_rows_train_without_NaN_and_one_row_is_refused()
    {
        var data = new double[40 * 3];
        for (int i = 0; i < 40; i++)
        {
            data[(i * 3) + 0] = 5; // constant
            data[(i * 3) + 1] = i;
            data[(i * 3) + 2] = 2 * i;
        }

        using var model = new AnomalyModel(new ModelSpec { Epochs = 5, Seed = 1 });
        model.Train(TestData.Names(3), data, 40);
        Assert.All(model.Score(data, 40).Scores, e => Assert.True(double.IsFinite(e)));

        using var two = new AnomalyModel(new ModelSpec { Epochs = 3, Seed = 1 });
        two.Train(TestData.Names(3), data[..6], 2);
        Assert.True(double.IsFinite(two.Score(data[..3], 1).Scores[0]));

        using var one = new AnomalyModel(new ModelSpec { Epochs = 3, Seed = 1 });
        var ex = Assert.Throws<AnomalyDetectionException>(() => one.Train(TestData.Names(3), data[..3], 1));
        Assert.Equal(AnomalyErrorKind.NotEnoughData, ex.Kind);
        Assert.False(one.IsTrained);
    }

    [Fact]
    public void A_diverging_run_stops_with_an_error_that_says_so()
    {
        double[] data = TestData.LowRank(200, 4, 2, 0.1, 1);
        data[5] = 1e30; // an extreme value makes the loss overflow
        using var model = new AnomalyModel(new ModelSpec { Epochs = 5, Seed = 1, Scaling = ScalingMethod.None, LearningRate = 1 });
        var ex = Assert.Throws<AnomalyDetectionException>(() => model.Train(TestData.Names(4), data, 200));
        Assert.Equal(AnomalyErrorKind.TrainingDiverged, ex.Kind);
        Assert.Contains("LearningRate", ex.RecommendedAction);
        Assert.False(model.IsTrained);
    }

    [SkippableFact]
    public void Reconstruction_error_separates_the_classes_of_a_real_dataset()
    {
        string? path = TestData.SharedData(Path.Combine("tabular", "cardio.csv"));
        Skip.If(path is null, "shared/data/tabular/cardio.csv is not beside the repository.");

        string[] lines = File.ReadAllLines(path!);
        string[] header = lines[0].Split(',');
        int label = Array.IndexOf(header, "label");
        string[] features = header.Where((_, j) => j != label).ToArray();
        var normal = new List<double[]>();
        var anomalies = new List<double[]>();
        foreach (string line in lines.Skip(1))
        {
            string[] cells = line.Split(',');
            double[] values = cells.Where((_, j) => j != label).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            (cells[label].Trim() == "1" ? anomalies : normal).Add(values);
        }

        // Train on a seeded 60 % of the normal rows; score the unseen 20 % of normal rows and every anomaly.
        var rng = new Random(0);
        double[][] shuffled = normal.OrderBy(_ => rng.Next()).ToArray();
        int nTrain = (int)(shuffled.Length * 0.6), nVal = (int)(shuffled.Length * 0.2);
        double[][] train = shuffled[..nTrain];
        double[][] test = shuffled[(nTrain + nVal)..].Concat(anomalies).ToArray();
        bool[] isAnomaly = Enumerable.Repeat(false, shuffled.Length - nTrain - nVal).Concat(Enumerable.Repeat(true, anomalies.Count)).ToArray();

        using var model = new AnomalyModel(new ModelSpec { Seed = 1, Epochs = 200 });
        model.Train(features, train.SelectMany(r => r).ToArray(), train.Length);
        double[] errors = model.Score(test.SelectMany(r => r).ToArray(), test.Length).Scores;
        double auc = TestData.RocAuc(errors, isAnomaly);
        _output.WriteLine($"cardio: ROC-AUC {auc:F4} on {test.Length} rows ({anomalies.Count} anomalies), {model.Training!.EpochsRun} epochs");
        Assert.True(auc > 0.80, $"ROC-AUC {auc}"); // measured 0.833 (seed 1); published unsupervised autoencoder baseline 0.82
    }

    [Fact]
    public void A_network_too_large_to_load_again_is_refused_before_it_is_built()
    {
        using var model = new AnomalyModel(new ModelSpec { HiddenSize = new[] { 20000, 20000 }, LatentSize = 2, Epochs = 1, Seed = 1 });
        var ex = Assert.Throws<AnomalyDetectionException>(() => model.Train(TestData.Names(6), TestData.LowRank(50, 6, 2, 0.1, 1), 50));
        Assert.Equal(AnomalyErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("too large", ex.Message);
        Assert.False(model.IsTrained);
    }
}
