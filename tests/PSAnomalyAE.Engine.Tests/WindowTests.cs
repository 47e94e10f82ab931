using PSAnomalyAE.Engine;
using Xunit;
using Xunit.Abstractions;

namespace PSAnomalyAE.Engine.Tests;

public class WindowTests
{
    private readonly ITestOutputHelper _output;

    public WindowTests(ITestOutputHelper output) => _output = output;

    /// <summary>Two daily-cycle metrics (one lagging the other) with a little noise, 288 rows a day.</summary>
    private static double[] Series(int rows, int seed)
    {
        var rng = new Random(seed);
        var data = new double[rows * 2];
        for (int i = 0; i < rows; i++)
        {
            double phase = 2 * Math.PI * i / 48.0;
            data[2 * i] = 50 + (20 * Math.Sin(phase)) + rng.NextDouble();
            data[(2 * i) + 1] = 10 + (5 * Math.Sin(phase - 0.8)) + (0.3 * rng.NextDouble());
        }

        return data;
    }

    private static AnomalyModel Train(AutoencoderKind kind, int window = 24)
    {
        var model = new AnomalyModel(new ModelSpec { Kind = kind, WindowSize = window, LatentSize = 4, Epochs = 40, Patience = 0, Seed = 3, LearningRate = 3e-3 });
        model.Train(new[] { "cpu", "latency" }, Series(2000, 1), 2000);
        return model;
    }

    [Theory]
    [InlineData(AutoencoderKind.Dense)]
    [InlineData(AutoencoderKind.Convolutional)]
    [InlineData(AutoencoderKind.Recurrent)]
    public void Windowed_kinds_learn_a_periodic_signal_and_see_a_broken_pattern(AutoencoderKind kind)
    {
        using AnomalyModel model = Train(kind);
        _output.WriteLine($"{kind}: validation loss {model.History[0].ValidationLoss:G4} -> {model.Training!.BestLoss:G4}");
        Assert.True(model.Training.BestLoss < 0.1, $"{kind}: {model.Training.BestLoss}");
        Assert.Equal(24, model.WindowSize);

        double[] probe = Series(400, 2);
        double[] broken = probe.ToArray();
        for (int i = 200; i < 212; i++)
        {
            broken[2 * i] = 50; // cpu flat while latency keeps cycling
        }

        ScoreResult normal = model.Score(probe, 400), odd = model.Score(broken, 400);
        Assert.All(normal.Scores.Take(23), e => Assert.True(double.IsNaN(e))); // no score before a full window
        Assert.False(double.IsNaN(normal.Scores[23]));
        double baseline = normal.Scores.Skip(23).Max();
        Assert.True(odd.Scores.Skip(205).Take(10).Average() > baseline, $"{kind}: broken {odd.Scores.Skip(205).Take(10).Average()} vs normal max {baseline}");
    }

    [Theory]
    [InlineData(0, 256, 1)]
    [InlineData(0, 256, 24)]
    [InlineData(23, 279, 24)]
    [InlineData(5, 5, 3)]
    [InlineData(0, 2, 3)]
    [InlineData(7, 9, 1)]
    public void The_window_ends_of_a_range_of_rows_are_those_among_its_rows(int from, int to, int window)
    {
        Assert.Equal(Windows.EndsAmong(Enumerable.Range(from, to - from), window), Windows.EndsAmong(from, to, window));
    }

    [Fact]
    public void Scoring_in_pieces_with_context_equals_scoring_in_one_go()
    {
        using AnomalyModel model = Train(AutoencoderKind.Convolutional, window: 12);
        double[] probe = Series(300, 5);
        double[] whole = model.Score(probe, 300).Scores;
        var pieces = new List<double>();
        int context = 0;
        for (int start = 0; start < 300; start += 37)
        {
            int len = Math.Min(37, 300 - start);
            int from = start - context;
            pieces.AddRange(model.Score(probe.AsSpan(from * 2, (context + len) * 2), context + len, context).Scores);
            context = Math.Min(11, start + len);
        }

        Assert.Equal(whole.Length, pieces.Count);
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.True(double.IsNaN(whole[i]) ? double.IsNaN(pieces[i]) : Math.Abs(whole[i] - pieces[i]) <= 1e-6 * Math.Max(1, whole[i]), $"row {i}: {whole[i]} vs {pieces[i]}");
        }
    }

    [Fact]
    public void Convolutional_and_recurrent_kinds_need_a_window()
    {
        var ex = Assert.Throws<AnomalyDetectionException>(() => new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Recurrent }).Train(new[] { "a" }, new double[10], 10));
        Assert.Contains("-WindowSize", ex.Message);
    }

    [Fact]
    public void A_windowed_model_round_trips_through_a_model_file()
    {
        using AnomalyModel model = Train(AutoencoderKind.Recurrent, window: 8);
        using var ms = new MemoryStream();
        ModelFile.Save(model, ms);
        using AnomalyModel back = ModelFile.Load(ms.ToArray(), "m");
        double[] probe = Series(100, 6);
        Assert.Equal(model.Score(probe, 100).Scores, back.Score(probe, 100).Scores);
    }
}

public class ImageTests
{
    private readonly ITestOutputHelper _output;

    public ImageTests(ITestOutputHelper output) => _output = output;

    /// <summary>8 x 8 images of one soft blob at a random place; with <paramref name="stripe"/>, a bright row across it.</summary>
    private static double[] Images(int count, int seed, bool stripe = false)
    {
        var rng = new Random(seed);
        var data = new double[count * 64];
        for (int n = 0; n < count; n++)
        {
            double cy = 1.5 + (5 * rng.NextDouble()), cx = 1.5 + (5 * rng.NextDouble());
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    double v = Math.Exp(-(((y - cy) * (y - cy)) + ((x - cx) * (x - cx))) / 2.0) + (0.02 * rng.NextDouble());
                    data[(n * 64) + (y * 8) + x] = stripe && y == 4 ? 1 : v;
                }
            }
        }

        return data;
    }

    [Fact]
    public void A_2D_convolutional_model_learns_images_and_sees_an_odd_one()
    {
        var model = new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Convolutional, ImageShape = new[] { 8, 8 }, LatentSize = 6, Epochs = 40, Patience = 0, Seed = 1, LearningRate = 3e-3, Scaling = ScalingMethod.None });
        model.Train(Enumerable.Range(0, 64).Select(i => $"p{i}").ToArray(), Images(1500, 1), 1500);
        _output.WriteLine($"validation loss {model.History[0].ValidationLoss:G4} -> {model.Training!.BestLoss:G4}");
        Assert.True(model.Training.BestLoss < 0.2 * model.History[0].ValidationLoss!.Value);
        double normal = model.Score(Images(100, 2), 100).Scores.Average();
        double striped = model.Score(Images(100, 3, stripe: true), 100).Scores.Average();
        Assert.True(striped > 3 * normal, $"striped {striped} vs normal {normal}");

        using var ms = new MemoryStream();
        ModelFile.Save(model, ms);
        using AnomalyModel back = ModelFile.Load(ms.ToArray(), "m");
        Assert.Equal(model.Score(Images(10, 4), 10).Scores, back.Score(Images(10, 4), 10).Scores);
        model.Dispose();
    }

    [Fact]
    public void The_image_shape_must_match_the_features()
    {
        var model = new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Convolutional, ImageShape = new[] { 4, 4 } });
        var ex = Assert.Throws<AnomalyDetectionException>(() => model.Train(new[] { "a", "b" }, new double[20], 10));
        Assert.Contains("holds 16 values", ex.Message);
    }
}
