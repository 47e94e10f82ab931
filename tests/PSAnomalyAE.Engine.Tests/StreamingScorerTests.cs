using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>Scoring a stream in batches: window context carried across batches, missing values, bad rows.</summary>
public class StreamingScorerTests
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

    private static TestData.Row Row(double a, double b) => new(("a", a), ("b", b));

    private static List<double> Stream(AnomalyModel model, double[] data, int batch)
    {
        var scorer = new StreamingScorer(model, batch, MissingValuePolicy.Error);
        var errors = new List<double>();
        for (int i = 0; i < data.Length / 2; i++)
        {
            Assert.Equal(RowStatus.Read, scorer.Add(Row(data[2 * i], data[(2 * i) + 1]), i + 1, out _));
            if (scorer.IsFull)
            {
                errors.AddRange(scorer.Flush()!.Scores);
            }
        }

        errors.AddRange(scorer.Flush()?.Scores ?? Array.Empty<double>());
        Assert.Equal(data.Length / 2, scorer.Scored);
        return errors;
    }

    [Theory]
    [InlineData(AutoencoderKind.Dense, 1)]
    [InlineData(AutoencoderKind.Variational, 1)]
    [InlineData(AutoencoderKind.Convolutional, 6)]
    [InlineData(AutoencoderKind.Recurrent, 6)]
    public void A_row_scores_the_same_to_the_last_bit_alone_as_in_a_large_batch(AutoencoderKind kind, int window)
    {
        // A live stream scores rows one by one, a file in batches of thousands: the scores must be the same numbers.
        using var model = new AnomalyModel(new ModelSpec { Kind = kind, WindowSize = window, LatentSize = window == 1 ? 1 : 2, HiddenSize = new[] { 24, 12 }, Epochs = 3, Seed = 4 });
        model.Train(new[] { "a", "b" }, Series(600, 1), 600);
        double[] data = Series(300, 2);
        Assert.Equal(Stream(model, data, 2048), Stream(model, data, 1));
    }

    [Theory]
    [InlineData(1, ModelDefaults.ScoringBatchSize)]
    [InlineData(60, ModelDefaults.ScoringBatchSize)]
    [InlineData(101, 400)]
    [InlineData(ModelLimits.MaxWindowSize, 399_996)]
    public void A_stream_is_scored_in_small_batches_unless_a_window_needs_more(int window, int expected)
    {
        Assert.Equal(256, ModelDefaults.ScoringBatchSize);
        Assert.Equal(expected, ModelDefaults.StreamBatchSize(window));
    }

    [Fact]
    public void A_windowed_stream_scored_in_small_batches_equals_the_whole_stream_at_once()
    {
        using var model = new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Convolutional, WindowSize = 8, LatentSize = 3, Epochs = 3, Seed = 2 });
        model.Train(new[] { "a", "b" }, Series(300, 1), 300);
        double[] probe = Series(100, 5);

        double[] whole = model.Score(probe, 100).Scores;
        List<double> small = Stream(model, probe, 3);
        List<double> single = Stream(model, probe, 1);

        Assert.Equal(whole.Length, small.Count);
        Assert.All(whole.Take(7), e => Assert.True(double.IsNaN(e)));
        for (int i = 7; i < whole.Length; i++)
        {
            Assert.Equal(whole[i], small[i], 6);
            Assert.Equal(whole[i], single[i], 6);
        }
    }

    [Fact]
    public void Missing_values_are_skipped_or_imputed_with_the_training_means_and_counted()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 2, Seed = 2 });
        model.Train(new[] { "a", "b" }, Series(200, 1), 200);

        var skip = new StreamingScorer(model, 10, MissingValuePolicy.Skip);
        Assert.Equal(RowStatus.Read, skip.Add(Row(50, 10), 1, out _));
        Assert.Equal(RowStatus.Skipped, skip.Add(new TestData.Row(("a", 50.0), ("b", "")), 2, out _));
        Assert.Equal(1, skip.Pending);
        Assert.Equal("Skipped 1 row(s) with missing values.", skip.Encoder.Summary("the training means"));

        var impute = new StreamingScorer(model, 10, MissingValuePolicy.Impute);
        Assert.Equal(RowStatus.Read, impute.Add(new TestData.Row(("a", "NA"), ("b", 10.0)), 1, out _));
        ScoreResult result = impute.Flush()!;
        Assert.Equal(model.FeatureMeans[0], result.Values[0]);
        Assert.Equal(1, impute.Encoder.ImputedValues);
    }

    [Fact]
    public void A_bad_value_is_an_error_naming_row_and_column_and_takes_no_place_in_the_batch()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 1, Seed = 2 });
        model.Train(new[] { "a", "b" }, Series(100, 1), 100);
        var scorer = new StreamingScorer(model, 10, MissingValuePolicy.Error);
        Assert.Equal(RowStatus.Invalid, scorer.Add(new TestData.Row(("a", "12,5"), ("b", 1.0)), 7, out AnomalyDetectionException? error));
        Assert.Equal(7, error!.RowNumber);
        Assert.Equal("a", error.Column);
        Assert.Equal(0, scorer.Pending);
        Assert.Null(scorer.Flush());
    }

    [Fact]
    public void A_row_whose_score_overflows_is_an_error_for_that_row_not_a_row_with_no_score_yet()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 2, Seed = 2 });
        model.Train(new[] { "a", "b" }, Series(200, 1), 200);
        var scorer = new StreamingScorer(model, 10, MissingValuePolicy.Error);
        Assert.Equal(RowStatus.Read, scorer.Add(Row(50, 10), 4, out _));
        Assert.Equal(RowStatus.Read, scorer.Add(Row(1e308, 1e308), 5, out _));
        Assert.Equal(RowStatus.Read, scorer.Add(Row(-1e308, 10), 6, out _));
        Assert.Equal(RowStatus.Read, scorer.Add(Row(52, 11), 7, out _));
        ScoreResult result = scorer.Flush()!;

        Assert.All(Enumerable.Range(0, 4), r => Assert.True(result.HasScore(r)));
        Assert.Null(result.NonFiniteScore(0));
        Assert.Null(result.NonFiniteScore(3));
        Assert.True(double.IsFinite(result.Scores[0]) && double.IsFinite(result.Scores[3]));
        foreach ((int row, long number) in new[] { (1, 5L), (2, 6L) })
        {
            Assert.False(double.IsFinite(result.Scores[row]));
            AnomalyDetectionException error = result.NonFiniteScore(row)!;
            Assert.Equal(number, error.RowNumber);
            Assert.StartsWith($"Row {number}: the model produced a score that is not a finite number", error.Message);
            Assert.Contains("far outside", error.Message);
        }
    }

    [Fact]
    public void A_windowed_model_has_no_score_yet_only_before_its_first_full_window()
    {
        using var model = new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Convolutional, WindowSize = 4, LatentSize = 2, Epochs = 2, Seed = 2 });
        model.Train(new[] { "a", "b" }, Series(200, 1), 200);
        var scorer = new StreamingScorer(model, 3, MissingValuePolicy.Error);
        double[] data = Series(12, 3);
        data[2 * 6] = 1e308; // row 7: every window that holds it overflows, rows 7 to 10
        var hasScore = new List<bool>();
        var nonFinite = new List<long>();
        for (int i = 0; i < 12; i++)
        {
            scorer.Add(Row(data[2 * i], data[(2 * i) + 1]), i + 1, out _);
            if (scorer.IsFull || i == 11)
            {
                ScoreResult result = scorer.Flush()!;
                for (int r = 0; r < result.Rows; r++)
                {
                    hasScore.Add(result.HasScore(r));
                    if (result.NonFiniteScore(r) is { } error)
                    {
                        nonFinite.Add(error.RowNumber!.Value);
                    }
                    else
                    {
                        Assert.Equal(result.HasScore(r), double.IsFinite(result.Scores[r]));
                    }
                }
            }
        }

        Assert.Equal(new[] { false, false, false }, hasScore.Take(3));
        Assert.All(hasScore.Skip(3), Assert.True);
        Assert.Equal(new long[] { 7, 8, 9, 10 }, nonFinite);
    }
}
