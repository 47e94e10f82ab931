using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>A stream that adapts: scores judged against their own history, a model that keeps learning, and both carried across runs.</summary>
public class AdaptiveStreamTests
{
    // A daily cycle with noise; from row `shiftAt` on, the level is `shift` higher (a deploy that moves the baseline).
    private static double[] Metric(int rows, int seed, int shiftAt = int.MaxValue, double shift = 0)
    {
        var rng = new Random(seed);
        var data = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            data[i] = 50 + (10 * Math.Sin(2 * Math.PI * i / 24.0)) + (2 * TestData.Gauss(rng)) + (i >= shiftAt ? shift : 0);
        }

        return data;
    }

    private static AnomalyModel Trained(double[] data, int rows)
    {
        var model = new AnomalyModel(new ModelSpec { WindowSize = 8, LatentSize = 3, Epochs = 5, Seed = 3 });
        model.Train(new[] { "value" }, data[..rows], rows);
        return model;
    }

    private static StreamAdaptation Settings(Adaptation mode) => new() { Mode = mode, WarmUpRows = 100, LearnEvery = 8, LearnBatch = 16, BufferSamples = 64 };

    /// <summary>Scores rows [from, to) as one run of a scheduled job: loads the state, scores in batches of 5, saves the state.</summary>
    private static List<(double Score, double Likelihood)> Run(AnomalyModel model, StreamAdaptation settings, double[] data, int from, int to, string? path)
    {
        string fingerprint = ScoringState.FingerprintOf(model);
        ScoringState? previous = path is null ? null : ScoringState.Load(path);
        var scorer = new StreamingScorer(model, 5, MissingValuePolicy.Error);
        using var stream = new AdaptiveStream(model, settings, StreamAdaptation.DefaultLikelihoodThreshold, previous?.Adaptation);
        scorer.Adaptive = stream;
        previous?.ApplyTo(model, fingerprint, scorer, null);
        var results = new List<(double, double)>();
        void Take(ScoreResult? r)
        {
            if (r is null)
            {
                return;
            }

            double[] likelihood = r.Terms.FirstOrDefault(t => t.Name == AdaptiveStream.LikelihoodName)?.Values ?? new double[r.Rows];
            results.AddRange(r.Scores.Zip(likelihood));
        }

        for (int i = from; i < to; i++)
        {
            scorer.Add(new TestData.Row(("value", data[i])), i + 1, out _);
            if (scorer.IsFull)
            {
                Take(scorer.Flush());
            }
        }

        Take(scorer.Flush());
        if (path is not null)
        {
            ScoringState.Capture(model, scorer, null, previous, fingerprint).Save(path);
        }

        return results;
    }

    [Fact]
    public void A_learning_stream_scored_in_twenty_runs_through_a_state_file_equals_one_continuous_run()
    {
        double[] data = Metric(1400, 5, shiftAt: 900, shift: 15);
        using var model = Trained(data, 300);
        StreamAdaptation settings = Settings(Adaptation.Stream);
        List<(double Score, double Likelihood)> whole = Run(model, settings, data, 0, data.Length, null);
        string path = Path.Combine(Path.GetTempPath(), "adapt-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var runs = new List<(double Score, double Likelihood)>();
            for (int k = 0; k < 20; k++)
            {
                runs.AddRange(Run(model, settings, data, k * 70, (k + 1) * 70, path));
            }

            Assert.Equal(whole.Count, runs.Count);
            for (int i = 0; i < whole.Count; i++)
            {
                // Exactly: the same numbers, not merely close ones (NaN for the rows before the first window).
                Assert.Equal(whole[i].Score, runs[i].Score);
                Assert.Equal(whole[i].Likelihood, runs[i].Likelihood);
            }

            AdaptationState state = ScoringState.Load(path)!.Adaptation!;
            Assert.True(state.Learner!.Steps > 50, $"only {state.Learner.Steps} learning steps");

            // What the stream learned makes a model of its own, which differs from the one it started from.
            using AnomalyModel adapted = AdaptiveStream.Adapted(model, state);
            Assert.NotEqual(ScoringState.FingerprintOf(model), ScoringState.FingerprintOf(adapted));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_likelihood_flags_a_level_shift_when_it_comes_and_gets_used_to_the_new_level()
    {
        double[] data = Metric(3000, 6, shiftAt: 1200, shift: 25);
        using var model = Trained(data, 300);
        List<(double Score, double Likelihood)> scores = Run(model, Settings(Adaptation.Likelihood), data, 0, data.Length, null);

        // Before the shift hardly a row passes the threshold; right after it, the stream alarms.
        Assert.True(scores.Skip(150).Take(1050).Count(s => s.Score > 0.5) <= 5);
        Assert.Contains(scores.Skip(1200).Take(30), s => s.Score > 0.5);

        // Without adapting the model's own score stays past its threshold for the rest of the series; judged against
        // its own history the stream is quiet again by the end.
        double[] plain = model.Score(data, data.Length).Scores;
        double threshold = model.Threshold!.Value;
        Assert.True(plain.Skip(2600).Count(s => s > threshold) > 300);
        Assert.True(scores.Skip(2600).Count(s => s.Score > 0.5) <= 5);
    }

    [Fact]
    public void A_value_beyond_the_range_seen_gets_the_top_score_once()
    {
        double[] data = Metric(700, 8);
        data[500] = 200;
        using var model = Trained(data, 300);
        List<(double Score, double Likelihood)> scores = Run(model, Settings(Adaptation.Stream), data, 0, data.Length, null);
        Assert.Equal(1.0, scores[500].Score);
        Assert.DoesNotContain(scores.Skip(501), s => s.Score == 1.0);
    }

    [Fact]
    public void A_stream_goes_on_only_with_the_settings_it_started_with()
    {
        double[] data = Metric(400, 9);
        using var model = Trained(data, 300);
        AdaptationState state = new AdaptiveStream(model, Settings(Adaptation.Likelihood | Adaptation.NewRange), 0.5).Save();
        var ex = Assert.Throws<AnomalyDetectionException>(() => new AdaptiveStream(model, Settings(Adaptation.Stream), 0.5, state));
        Assert.Contains("other adaptation settings", ex.Message);
        Assert.Throws<AnomalyDetectionException>(() => new StreamAdaptation { Mode = Adaptation.NewRange }.Validate());
    }

    [Fact]
    public void Rows_judged_anomalous_do_not_teach_the_model()
    {
        // Every row past the threshold: the learning copy never takes a step and keeps the model's weights.
        double[] data = Metric(600, 10);
        using var model = Trained(data, 300);
        var settings = new StreamAdaptation { Mode = Adaptation.Learning, LearnEvery = 4, LearnBatch = 8, BufferSamples = 16 };
        using var stream = new AdaptiveStream(model, settings, threshold: 0);
        var scorer = new StreamingScorer(model, 64, MissingValuePolicy.Error) { Adaptive = stream };
        for (int i = 0; i < 300; i++)
        {
            scorer.Add(new TestData.Row(("value", data[300 + i])), i + 1, out _);
            if (scorer.IsFull)
            {
                scorer.Flush();
            }
        }

        scorer.Flush();
        Assert.Equal(0, stream.Save().Learner!.Steps);
        Assert.Equal(ScoringState.FingerprintOf(model), ScoringState.FingerprintOf(stream.Model));
    }
}
