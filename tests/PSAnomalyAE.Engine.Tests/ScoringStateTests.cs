using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>A stream scored in separate runs (a scheduled job) through a saved state, and when rows are flushed.</summary>
public class ScoringStateTests
{
    private static double[] Series(int rows, int seed)
    {
        var rng = new Random(seed);
        var data = new double[rows * 2];
        for (int i = 0; i < rows; i++)
        {
            data[2 * i] = 50 + (20 * Math.Sin(2 * Math.PI * i / 24.0)) + rng.NextDouble();
            data[(2 * i) + 1] = 10 + (5 * Math.Cos(2 * Math.PI * i / 24.0)) + rng.NextDouble();
        }

        return data;
    }

    private static AnomalyModel Windowed(int seed)
    {
        var model = new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Convolutional, WindowSize = 6, LatentSize = 3, Epochs = 2, Seed = seed });
        model.Train(new[] { "a", "b" }, Series(200, 1), 200);
        return model;
    }

    /// <summary>One run of a job: loads the state, scores rows [from, to), saves the state.</summary>
    private static List<double> Run(AnomalyModel model, double[] data, int from, int to, string path)
    {
        string fingerprint = ScoringState.FingerprintOf(model);
        ScoringState? previous = ScoringState.Load(path);
        var scorer = new StreamingScorer(model, 4, MissingValuePolicy.Error);
        previous?.ApplyTo(model, fingerprint, scorer, null);
        var errors = new List<double>();
        for (int i = from; i < to; i++)
        {
            scorer.Add(new TestData.Row(("a", data[2 * i]), ("b", data[(2 * i) + 1])), i + 1, out _);
            if (scorer.IsFull)
            {
                errors.AddRange(scorer.Flush()!.Scores);
            }
        }

        errors.AddRange(scorer.Flush()?.Scores ?? Array.Empty<double>());
        ScoringState.Capture(model, scorer, null, previous, fingerprint).Save(path);
        return errors;
    }

    [Fact]
    public void A_windowed_stream_scored_in_separate_runs_through_a_state_file_equals_one_stream()
    {
        using var model = Windowed(2);
        double[] data = Series(40, 7);
        double[] whole = model.Score(data, 40).Scores;
        string path = Path.Combine(Path.GetTempPath(), "state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            // Runs of 3 rows, fewer than the window: the first run has no score yet, later runs go on where it stopped.
            var runs = new List<double>();
            for (int start = 0; start < 40; start += 3)
            {
                runs.AddRange(Run(model, data, start, Math.Min(start + 3, 40), path));
            }

            Assert.Equal(40, runs.Count);
            Assert.All(runs.Take(5), e => Assert.True(double.IsNaN(e)));
            for (int i = 5; i < 40; i++)
            {
                Assert.Equal(whole[i], runs[i], 6);
            }

            ScoringState saved = ScoringState.Load(path)!;
            Assert.Equal(5, saved.Context.Length);
            Assert.Equal(40, saved.RowsScored);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "." + Path.GetFileName(path) + ".*.tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_state_of_another_model_is_refused_and_a_missing_file_is_a_new_stream()
    {
        using var model = Windowed(2);
        using var other = Windowed(3);
        string path = Path.Combine(Path.GetTempPath(), "state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            Assert.Null(ScoringState.Load(path));
            Run(model, Series(10, 7), 0, 10, path);
            ScoringState state = ScoringState.Load(path)!;
            var scorer = new StreamingScorer(other, 4, MissingValuePolicy.Error);
            var ex = Assert.Throws<AnomalyDetectionException>(() => state.ApplyTo(other, ScoringState.FingerprintOf(other), scorer, null));
            Assert.Contains("belongs to another model", ex.Message);
            Assert.Equal(ScoringState.FingerprintOf(model), ScoringState.FingerprintOf(ModelFile.Load(Save(model), "copy")));

            File.WriteAllText(path, "{ not json");
            Assert.Contains("cannot be read", Assert.Throws<AnomalyDetectionException>(() => ScoringState.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(1e308)]
    [InlineData(-1e39)]
    public void A_state_whose_window_context_holds_a_value_the_network_cannot_read_is_refused(double value)
    {
        using var model = Windowed(2);
        string path = Path.Combine(Path.GetTempPath(), "state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            Run(model, Series(10, 7), 0, 10, path);
            ScoringState saved = ScoringState.Load(path)!;
            double[][] context = saved.Context.Select(r => r.ToArray()).ToArray();
            context[^1][1] = value;
            new ScoringState
            {
                ModelFingerprint = saved.ModelFingerprint, WindowSize = saved.WindowSize, Features = saved.Features, Context = context, Run = saved.Run,
            }.Save(path);

            var ex = Assert.Throws<AnomalyDetectionException>(() => ScoringState.Load(path));
            Assert.Contains("cannot be read: its window context holds", ex.Message);
            Assert.Contains("Delete it", ex.RecommendedAction);

            context[^1][1] = 3e38; // large, but a number the network reads: refused by nothing but its score
            new ScoringState { ModelFingerprint = saved.ModelFingerprint, WindowSize = saved.WindowSize, Features = saved.Features, Context = context }.Save(path);
            Assert.NotNull(ScoringState.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Save(AnomalyModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_detector_continues_a_run_of_rows_past_the_threshold()
    {
        var first = new Detector(1.0, 3, Array.Empty<double>());
        first.Next(2.0);
        first.Next(2.0);
        Assert.Equal(2, first.Run);

        var next = new Detector(1.0, 3, Array.Empty<double>());
        next.ContinueRun(first.Run);
        Assert.True(next.Next(2.0).Anomaly);
    }

    [Fact]
    public void Rows_are_flushed_after_a_quiet_gap_during_a_burst_and_when_the_oldest_has_waited()
    {
        TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);
        var policy = new FlushPolicy(Ms(250), Ms(0));

        // Fast input: its first rows are as many as a slow stream has in a second, scored as they come; then batches fill.
        for (int i = 0; i < FlushPolicy.SlowRowsPerSecond; i++)
        {
            Assert.True(policy.RowArrived(Ms(1 + (i * 0.01)), 1));
        }

        Assert.False(policy.RowArrived(Ms(3.6), 1));
        Assert.False(policy.RowArrived(Ms(3.7), 2));

        // A trickle faster than the slow rate: flushed once the oldest pending row has waited 250 ms.
        double t = 4;
        int pending = 2;
        bool flushed = false;
        for (; t < 300 && !flushed; t += 1)
        {
            flushed = policy.RowArrived(Ms(t), ++pending);
        }

        Assert.True(flushed);
        Assert.InRange(t, 250, 260);

        // A row after a quiet gap is scored at once, and so is every row of the burst it starts.
        Assert.True(policy.RowArrived(Ms(5000), 1));
        Assert.True(policy.RowArrived(Ms(5000.1), 1));
        Assert.True(policy.RowArrived(Ms(5000.2), 1));

        var always = new FlushPolicy(TimeSpan.Zero, Ms(0));
        Assert.True(always.RowArrived(Ms(0), 1));
        Assert.True(always.RowArrived(Ms(0), 1));
    }

    [Fact]
    public void Every_row_of_a_slow_stream_is_scored_as_it_arrives_whatever_follows_it()
    {
        TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);
        var policy = new FlushPolicy(Ms(250), Ms(0));

        // Fast input first, so that the rate is all that makes the trickle's rows go out.
        double t = 0;
        for (int i = 0; i < 5000; i++, t += 0.01)
        {
            policy.RowArrived(Ms(t), 2);
        }

        // 200 rows a second (below SlowRowsPerSecond) once the fast rows are a second old: each row at once,
        // although it came 5 ms after the one before, well within the 250 ms a row may wait for company.
        t += 1000;
        for (int i = 0; i < 400; i++, t += 5)
        {
            Assert.True(policy.RowArrived(Ms(t), 1));
        }

        // 1,000 rows a second: batches again, until the rate falls.
        int pending = 1, batches = 0;
        for (int i = 0; i < 600; i++, t += 1)
        {
            if (policy.RowArrived(Ms(t), pending++) && i > FlushPolicy.SlowRowsPerSecond)
            {
                Assert.True(pending > 200, $"flushed after {pending} rows at {t} ms");
                pending = 1;
                batches++;
            }
        }

        Assert.Equal(2, batches);
    }
}
