using PSAnomalyAE.Engine;
using Xunit;
using Xunit.Abstractions;

namespace PSAnomalyAE.Engine.Tests;

public class KindsTests
{
    private readonly ITestOutputHelper _output;

    public KindsTests(ITestOutputHelper output) => _output = output;

    private static AnomalyModel Train(AutoencoderKind kind, int seed = 2, Action<ModelSpec>? tweak = null)
    {
        var spec = new ModelSpec { Kind = kind, LatentSize = 3, HiddenSize = new[] { 24 }, Epochs = 120, Patience = 0, Seed = seed, LearningRate = 3e-3 };
        tweak?.Invoke(spec);
        var model = new AnomalyModel(spec);
        model.Train(TestData.Names(10), TestData.LowRank(1500, 10, 3, 0.05, seed: 9), 1500);
        return model;
    }

    [Theory]
    [InlineData(AutoencoderKind.Dense)]
    [InlineData(AutoencoderKind.Sparse)]
    [InlineData(AutoencoderKind.Variational)]
    [InlineData(AutoencoderKind.Denoising)]
    public void Every_kind_learns_a_low_rank_signal(AutoencoderKind kind)
    {
        using AnomalyModel model = Train(kind, tweak: s => s.KLWeight = 0.01);
        double best = model.Training!.BestLoss;
        _output.WriteLine($"{kind}: first validation loss {model.History[0].ValidationLoss:G4}, best {best:G4}");
        Assert.True(best < 0.1, $"{kind}: validation loss {best} should be well below the variance 1");
        Assert.Equal(kind, model.Spec.Kind);

        // A broken relationship still stands out for every kind.
        double[] normal = TestData.LowRank(100, 10, 3, 0.05, seed: 9);
        double[] odd = normal.ToArray();
        for (int i = 0; i < 100; i++)
        {
            odd[(i * 10) + 4] += 3;
        }

        Assert.True(model.Score(odd, 100).Scores.Average() > 5 * model.Score(normal, 100).Scores.Average());
    }

    [Fact]
    public void The_variational_KL_term_is_positive_falls_from_its_peak_and_its_weight_pulls_it_down()
    {
        // The encoder starts near the prior (KL near 0); KL grows as it learns to use the bottleneck and settles
        // where reconstruction and beta x KL balance, so a larger beta leaves a smaller KL.
        using AnomalyModel light = Train(AutoencoderKind.Variational, tweak: s => s.KLWeight = 0.25);
        using AnomalyModel heavy = Train(AutoencoderKind.Variational, tweak: s => s.KLWeight = 4);
        foreach (AnomalyModel m in new[] { light, heavy })
        {
            Assert.All(m.History, h => Assert.True(h.TrainPenalty >= 0));
            Assert.All(m.History, h => Assert.Equal(h.TrainLoss, h.TrainReconstruction!.Value + h.TrainPenalty!.Value, 5));
            Assert.True(m.History[^1].TrainLoss < m.History[0].TrainLoss);
        }

        // TrainPenalty is beta x KL; compare the KL itself over the last ten epochs.
        double klLight = light.History.TakeLast(10).Average(h => h.TrainPenalty!.Value) / 0.25;
        double klHeavy = heavy.History.TakeLast(10).Average(h => h.TrainPenalty!.Value) / 4;
        _output.WriteLine($"KL per input at the end: beta 0.25 -> {klLight:G4}, beta 4 -> {klHeavy:G4}");
        // After the encoder starts using the bottleneck, the KL term peaks and then falls as training trades it
        // against reconstruction: the last epochs sit below the peak (three-epoch averages).
        double[] kl = light.History.Select(h => h.TrainPenalty!.Value / 0.25).ToArray();
        double peak = Enumerable.Range(0, kl.Length - 2).Max(i => kl.Skip(i).Take(3).Average());
        _output.WriteLine($"beta 0.25 KL: peak {peak:G4}, last ten epochs {kl.TakeLast(10).Average():G4}");
        Assert.True(kl.TakeLast(10).Average() < 0.98 * peak, $"KL should fall from its peak {peak}");
        Assert.True(klHeavy < klLight / 2, $"beta 4 KL {klHeavy} vs beta 0.25 KL {klLight}");
    }

    [Fact]
    public void Sparse_bottleneck_activations_are_sparser_than_dense_ones()
    {
        double[] probe = TestData.LowRank(500, 10, 3, 0.05, seed: 9);
        using AnomalyModel dense = Train(AutoencoderKind.Dense, tweak: s => s.LatentSize = 8);
        using AnomalyModel sparse = Train(AutoencoderKind.Sparse, tweak: s => { s.LatentSize = 8; s.SparsityWeight = 0.05; });
        static double ZeroShare(float[] z) => z.Count(v => Math.Abs(v) < 1e-6) / (double)z.Length;
        double d = ZeroShare(dense.Bottleneck(probe, 500)), s = ZeroShare(sparse.Bottleneck(probe, 500));
        _output.WriteLine($"share of zero activations: dense {d:P1}, sparse {s:P1}; sparse penalty in history {sparse.History[^1].TrainPenalty:G3}");
        Assert.True(s > d + 0.3, $"sparse {s} vs dense {d}");
        Assert.NotNull(sparse.History[^1].TrainPenalty);
        Assert.Null(dense.History[^1].TrainPenalty);
    }

    [Fact]
    public void PCA_of_rank_k_data_with_k_components_is_exact()
    {
        const int rows = 400, width = 12, rank = 4;
        double[] raw = TestData.LowRank(rows, width, rank, 0, seed: 5);
        float[] x = raw.Select(v => (float)v).ToArray();
        Pca pca = Pca.Fit(x, rows, width, rank);
        Assert.Equal(rank, pca.Count);
        Assert.Equal(1, pca.ExplainedVariance, 6);
        float[] back = pca.Reconstruct(pca.Project(x, rows), rows);
        Assert.True(x.Zip(back).Max(p => Math.Abs(p.First - p.Second)) < 1e-3);

        Assert.Equal(rank, Pca.Fit(x, rows, width, 0.999).Count); // a share of variance picks the rank too
    }

    [Fact]
    public void A_model_with_PCA_reports_errors_in_the_original_features()
    {
        using AnomalyModel model = Train(AutoencoderKind.Dense, tweak: s => { s.PcaComponents = 0.99; s.LatentSize = 3; });
        Assert.Equal(3, model.Pca!.Count);
        Assert.Equal(3, model.Shape!.InputSize);
        double[] probe = TestData.LowRank(20, 10, 3, 0.05, seed: 9);
        probe[7] += 4; // row 0, feature 7
        ScoreResult r = model.Score(probe, 20);
        Assert.Equal(10, r.Width);
        Assert.Equal("f7", r.TopFeatures(0, 1)[0].Feature);
    }

    [Theory]
    [InlineData(AutoencoderKind.Sparse)]
    [InlineData(AutoencoderKind.Variational)]
    [InlineData(AutoencoderKind.Denoising)]
    public void Every_kind_round_trips_through_a_model_file(AutoencoderKind kind)
    {
        using AnomalyModel model = Train(kind, tweak: s => { s.Epochs = 5; s.PcaComponents = kind == AutoencoderKind.Sparse ? 6 : null; });
        using var ms = new MemoryStream();
        ModelFile.Save(model, ms);
        using AnomalyModel back = ModelFile.Load(ms.ToArray(), "m");
        double[] probe = TestData.LowRank(30, 10, 3, 0.1, seed: 4);
        Assert.Equal(model.Score(probe, 30).Scores, back.Score(probe, 30).Scores);
        Assert.Equal(model.Shape! with { HiddenSize = back.Shape!.HiddenSize }, back.Shape);
        Assert.Equal(model.Shape.HiddenSize, back.Shape.HiddenSize);
        Assert.Equal(model.History, back.History);
    }
}
