using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>Continued training, reading a model file's header alone, and telling systematic input mistakes from bad rows.</summary>
public class LifecycleTests
{
    private static ModelSpec Spec(int epochs, int seed) => new() { LatentSize = 2, Epochs = epochs, Seed = seed, Patience = 0, BatchSize = 64, LearningRate = 3e-3 };

    [Fact]
    public void Continued_training_keeps_features_scaler_and_weights_and_appends_history()
    {
        string[] names = TestData.Names(6);
        double[] all = TestData.LowRank(1000, 6, 2, 0.05, seed: 1);
        using var first = new AnomalyModel(Spec(5, 1));
        first.Train(names, all[..(600 * 6)], 600);
        double[] offset = first.Scaler!.Offset.ToArray();
        double lastLoss = first.History[^1].TrainLoss;

        // Later rows of the same process: a scaler fitted on them would differ a little; the kept one must not change.
        double[] more = all[(600 * 6)..];
        using var next = new AnomalyModel(Spec(3, 2));
        bool keptThreshold = next.ContinueTraining(first, more, 400);

        Assert.False(keptThreshold);
        Assert.Equal(names, next.FeatureNames);
        Assert.Equal(offset, next.Scaler!.Offset);
        Assert.Equal(Enumerable.Range(1, 8), next.History.Select(e => e.Epoch));
        Assert.Equal(8, next.Training!.EpochsRun);
        Assert.Equal(400, next.Training.Rows);
        Assert.Equal("training validation split", next.Threshold!.Source);

        // Warm: the first continued epoch starts near where the first run ended, far below a cold start.
        using var cold = new AnomalyModel(Spec(1, 2));
        cold.Train(names, more, 400);
        Assert.True(next.History[5].TrainLoss < cold.History[0].TrainLoss, $"warm {next.History[5].TrainLoss} vs cold {cold.History[0].TrainLoss}");

        // The trained model is left as it was.
        Assert.Equal(5, first.History.Count);
        Assert.Equal(lastLoss, first.History[^1].TrainLoss);
    }

    [Fact]
    public void Continued_training_keeps_a_chosen_threshold_and_says_so()
    {
        using var first = new AnomalyModel(Spec(2, 1));
        first.Train(TestData.Names(4), TestData.LowRank(300, 4, 2, 0.05, seed: 1), 300);
        first.SetThreshold(new ThresholdChoice(0.75, "Manual", null, 0, "Set-AEThreshold"), Array.Empty<double>());
        using var next = new AnomalyModel(Spec(1, 2));
        Assert.True(next.ContinueTraining(first, TestData.LowRank(300, 4, 2, 0.05, seed: 2), 300));
        Assert.Equal(0.75, next.Threshold!.Value);
    }

    [Fact]
    public void Continued_training_refuses_a_different_network()
    {
        using var first = new AnomalyModel(Spec(1, 1));
        first.Train(TestData.Names(4), TestData.LowRank(200, 4, 2, 0.05, seed: 1), 200);
        ModelSpec changed = Spec(1, 1);
        changed.LatentSize = 3;
        changed.Kind = AutoencoderKind.Sparse;
        using var next = new AnomalyModel(changed);
        var ex = Assert.Throws<AnomalyDetectionException>(() => next.ContinueTraining(first, TestData.LowRank(200, 4, 2, 0.05, seed: 2), 200));
        Assert.Contains("Architecture, LatentSize", ex.Message);
        using var untrained = new AnomalyModel(Spec(1, 1));
        Assert.Equal(AnomalyErrorKind.NotTrained, Assert.Throws<AnomalyDetectionException>(() => next.ContinueTraining(untrained, new double[4], 1)).Kind);
    }

    [Fact]
    public void A_model_file_header_is_read_without_the_weights()
    {
        using var model = new AnomalyModel(Spec(2, 1));
        model.Train(TestData.Names(5), TestData.LowRank(200, 5, 2, 0.05, seed: 1), 200);
        string path = Path.Combine(Path.GetTempPath(), $"info-{Guid.NewGuid():N}.aemodel");
        try
        {
            ModelFile.SaveAtomic(model, path, overwrite: false);
            ModelFileInfo info = ModelFileInfo.Read(path);
            Assert.Equal(Path.GetFileNameWithoutExtension(path), info.Name);
            Assert.Equal(model.FeatureNames, info.Features);
            Assert.Equal(model.Shape!.LatentSize, info.LatentSize);
            Assert.Equal(model.Threshold!.Value, info.Threshold!.Value);
            Assert.Equal(model.ParameterCount, info.ParameterCount);
            Assert.Equal(new FileInfo(path).Length, info.Size);
            Assert.Equal(3, info.FormatVersion); // the default score's terms, without a saved choice
            Assert.True(info.ChecksumVerified);

            byte[] bytes = File.ReadAllBytes(path);
            bytes[^40] ^= 0xFF;
            File.WriteAllBytes(path, bytes);
            var ex = Assert.Throws<AnomalyDetectionException>(() => ModelFileInfo.Read(path));
            Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
            Assert.False(ModelFileInfo.Read(path, verifyChecksum: false).ChecksumVerified);

            File.WriteAllBytes(path, bytes[..100]);
            Assert.Equal(AnomalyErrorKind.InvalidModelFile, Assert.Throws<AnomalyDetectionException>(() => ModelFileInfo.Read(path, verifyChecksum: false)).Kind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_gate_holds_the_first_problems_until_a_good_row_and_calls_a_run_of_them_systematic()
    {
        var gate = new RowProblemGate<int>(limit: 3);
        Assert.True(gate.Hold(1));
        Assert.True(gate.Hold(2));
        Assert.False(gate.IsSystematic);
        Assert.Equal(new[] { 1, 2 }, gate.Pass());
        Assert.False(gate.Hold(3));
        Assert.Empty(gate.Pass());
        Assert.False(gate.NothingPassed);

        var bad = new RowProblemGate<int>(limit: 3);
        bad.Hold(1);
        Assert.True(bad.NothingPassed);
        bad.Hold(2);
        bad.Hold(3);
        Assert.True(bad.IsSystematic);
    }

    [Fact]
    public void Column_names_take_wildcards_and_mistakes_are_reported()
    {
        var rows = new[]
        {
            new TestData.Row(("ts", "1"), ("cpu_pct", "10"), ("mem_pct", "3"), ("host", "a"), ("label", "0")),
            new TestData.Row(("ts", "2"), ("cpu_pct", "12"), ("mem_pct", "4"), ("host", "b"), ("label", "0")),
        };
        var warnings = new List<string>();
        FeatureEncoding e = FeatureSchema.Plan(rows, new[] { "*_PCT" }, null, null, warn: warnings.Add);
        Assert.Equal(new[] { "cpu_pct", "mem_pct" }, e.Columns);
        Assert.Empty(warnings);

        e = FeatureSchema.Plan(rows, null, new[] { "t?", "lable", "x*" }, new[] { "h[o]st" }, warn: warnings.Add);
        Assert.Equal(new[] { "cpu_pct", "mem_pct", "host", "label" }, e.Columns);
        Assert.Collection(
            warnings,
            w => Assert.StartsWith("-ExcludeProperty 'lable' names no column", w),
            w => Assert.StartsWith("-ExcludeProperty 'x*' matches no column", w),
            w => Assert.StartsWith("Column 'label' is '0' in every training row", w));

        var ex = Assert.Throws<AnomalyDetectionException>(() => FeatureSchema.Plan(rows, new[] { "disk*" }, null, null));
        Assert.Equal(AnomalyErrorKind.MissingFeature, ex.Kind);
        Assert.StartsWith("-Property 'disk*' matches no column", ex.Message);
    }

    [Fact]
    public void Time_order_names_the_first_row_that_goes_back()
    {
        var order = new TimeOrder();
        Assert.Null(order.Add("2026-01-01T00:00:00", 1, "ts"));
        Assert.Null(order.Add(new DateTime(2026, 1, 1, 0, 5, 0, DateTimeKind.Utc), 2, "ts"));
        Assert.Null(order.Add("not a time", 3, "ts"));
        string? message = order.Add("2026-01-01T00:01:00", 4, "ts");
        Assert.NotNull(message);
        Assert.StartsWith("Row 4: ts '2026-01-01T00:01:00' is earlier than row 2's", message);
        Assert.Null(order.Add("2026-01-01T00:00:30", 5, "ts"));
        Assert.Equal(2, order.Backwards);
        Assert.Equal(5.0, TimeOrder.Key("5"));
        Assert.Null(TimeOrder.Key("soon"));
    }
}
