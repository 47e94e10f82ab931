using System.Globalization;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// A flagged row's explanation follows its score and reads as an operator would trust it: the column that was off
/// comes first, expected values never leave what a column took in training, a category is named only when it does
/// not go with the rest of its row, windows say which row, and PCA-first models speak of the original columns.
/// </summary>
public class ExplanationTests
{
    private static AnomalyModel Trained(ModelSpec spec, double[] data, int rows, int width)
    {
        var model = new AnomalyModel(spec);
        model.Train(TestData.Names(width), data, rows);
        return model;
    }

    /// <summary>Rows of <paramref name="width"/> positive, correlated columns.</summary>
    private static double[] Positive(int rows, int width, int seed) =>
        TestData.LowRank(rows, width, 2, 0.1, seed).Select(v => 10 + Math.Abs(v)).ToArray();

    private static void AssertBelievable(FeatureContribution c)
    {
        if (c.Expected is double e)
        {
            Assert.InRange(e, c.TrainingMin!.Value, c.TrainingMax!.Value);
            Assert.True(c.NormalLow is null || (c.NormalLow >= c.TrainingMin && c.NormalHigh <= c.TrainingMax && c.NormalLow <= c.NormalHigh), $"{c}");
        }
    }

    [Theory]
    [InlineData(ScoreMethod.ReconstructionAndDistance)]
    [InlineData(ScoreMethod.Reconstruction)]
    [InlineData(ScoreMethod.Isolation)]
    public void The_column_that_is_off_comes_first_and_expected_values_stay_in_the_training_range(ScoreMethod scoring)
    {
        using AnomalyModel model = Trained(new ModelSpec { Seed = 3, Epochs = 30, Scoring = scoring }, Positive(600, 6, 1), 600, 6);
        double[] probe = Positive(40, 6, 2);
        for (int r = 0; r < 6; r++)
        {
            probe[(r * 6) + r] += (r % 2 == 0 ? 1 : -1) * 60; // row r is far off in column r alone, up or down
        }

        ScoreResult result = model.Score(probe, 40);
        for (int r = 0; r < 40; r++)
        {
            FeatureContribution[] top = result.TopFeatures(r, 3);
            Assert.Equal(3, top.Length);
            Assert.All(top, AssertBelievable);
            if (r < 6)
            {
                Assert.Equal(r, top[0].Index);
                Assert.True(top[0].OutsideTraining, top[0].ToString());
                Assert.Equal(r % 2 == 0 ? "High" : "Low", top[0].Direction);
                Assert.True((double)top[0].Expected >= 0, "an expected value of a column that never was negative");
            }
        }

        Assert.Equal(scoring == ScoreMethod.ReconstructionAndDistance, result.TopFeatures(0, 1)[0].NormalLow is not null);
    }

    [Fact]
    public void Every_column_can_be_asked_for_and_comes_in_order_of_its_share()
    {
        // 12 columns: more than the explainer picks one by one before it sorts the rest.
        using AnomalyModel model = Trained(new ModelSpec { Seed = 4, Epochs = 10 }, Positive(400, 12, 5), 400, 12);
        ScoreResult result = model.Score(Positive(20, 12, 6), 20);
        for (int r = 0; r < 20; r++)
        {
            FeatureContribution[] all = result.TopFeatures(r, 1000);
            Assert.Equal(Enumerable.Range(0, 12), all.Select(c => c.Index).Order());
            for (int i = 1; i < all.Length; i++)
            {
                Assert.True(
                    all[i - 1].Share > all[i].Share || (all[i - 1].Share == all[i].Share && all[i - 1].Index < all[i].Index),
                    $"row {r}: {all[i - 1].Feature} ({all[i - 1].Share}) before {all[i].Feature} ({all[i].Share})");
            }

            Assert.Equal(all.Take(3).Select(c => c.Index), result.TopFeatures(r, 3).Select(c => c.Index));
        }
    }

    [Fact]
    public void A_category_is_named_only_when_it_does_not_go_with_the_rest_of_its_row()
    {
        var rng = new Random(4);
        var rows = new List<IRow>();
        for (int i = 0; i < 600; i++)
        {
            string host = i % 2 == 0 ? "web" : "batch";
            double cpu = host == "web" ? 60 + (10 * rng.NextDouble()) : 10 + rng.NextDouble();
            rows.Add(new TestData.Row(("host", host), ("cpu", cpu), ("mem", 2 * cpu)));
        }

        FeatureEncoding e = FeatureSchema.Plan(rows, null, null, new[] { "host" });
        double[] data = Read(e, rows);
        using var model = new AnomalyModel(new ModelSpec { Seed = 1, Epochs = 60 });
        model.Train(e, data, rows.Count);

        // A web host's numbers labelled batch: the label is what does not fit. A normal web row: its host is never blamed.
        double[] probe = Read(e, new IRow[] { new TestData.Row(("host", "batch"), ("cpu", 65.0), ("mem", 130.0)), new TestData.Row(("host", "web"), ("cpu", 64.0), ("mem", 128.0)) });
        ScoreResult r = model.Score(probe, 2);
        FeatureContribution mixedUp = r.TopFeatures(0, 1)[0];
        Assert.Equal(("host", "batch", "web", "Unusual"), (mixedUp.Feature, (string)mixedUp.Value, (string)mixedUp.Expected, mixedUp.Direction));
        Assert.DoesNotContain(r.TopFeatures(1, 3), c => c.Feature == "host");
    }

    [Fact]
    public void A_windowed_model_says_which_row_of_the_window_was_off()
    {
        static double[] Series(int rows, int seed)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, rows).SelectMany(i => new[] { 50 + (20 * Math.Sin(2 * Math.PI * i / 24.0)) + rng.NextDouble(), 10 + (5 * Math.Cos(2 * Math.PI * i / 24.0)) + rng.NextDouble() }).ToArray();
        }

        using AnomalyModel model = Trained(new ModelSpec { Seed = 2, Epochs = 20, WindowSize = 4 }, Series(600, 1), 600, 2);
        double[] probe = Series(60, 3);
        probe[30 * 2] += 80; // column 0 of row 30
        ScoreResult result = model.Score(probe, 60);
        FeatureContribution later = result.TopFeatures(32, 1)[0];
        Assert.Equal((0, -2), (later.Index, later.Step));
        Assert.Equal(0, result.TopFeatures(30, 1)[0].Step);
        AssertBelievable(later);
    }

    [Fact]
    public void A_pca_first_model_explains_rows_in_the_original_columns()
    {
        using AnomalyModel model = Trained(new ModelSpec { Seed = 5, Epochs = 30, PcaComponents = 3 }, Positive(600, 6, 1), 600, 6);
        double[] probe = Positive(10, 6, 2);
        probe[(4 * 6) + 2] += 60;
        ScoreResult result = model.Score(probe, 10);
        FeatureContribution[] top = result.TopFeatures(4, 6);
        Assert.Equal(TestData.Names(6).Order(), top.Select(c => c.Feature).Order());
        Assert.Equal(2, top[0].Index);
        Assert.All(top, AssertBelievable);
        Assert.Equal(1.0, top.Sum(c => c.Share), 6);
    }

    private static double[] Read(FeatureEncoding e, IReadOnlyList<IRow> rows)
    {
        var data = new double[rows.Count * e.Width];
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Null(e.TryRead(rows[i], i + 1, data.AsSpan(i * e.Width, e.Width), MissingValuePolicy.Error, out _));
        }

        return data;
    }
}
