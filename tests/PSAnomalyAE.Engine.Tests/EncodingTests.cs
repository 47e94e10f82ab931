using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

public class EncodingTests
{
    private static List<IRow> Rows(int n, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<IRow>();
        for (int i = 0; i < n; i++)
        {
            // Web hosts are busier than the batch host; the model should learn which load suits which host.
            string host = (i % 3) switch { 0 => "web1", 1 => "web2", _ => "batch" };
            double load = host == "batch" ? 10 + rng.NextDouble() : 60 + (10 * rng.NextDouble());
            rows.Add(new TestData.Row(("time", $"t{i}"), ("host", host), ("cpu", load.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("mem", 2 * load)));
        }

        return rows;
    }

    [Fact]
    public void Categorical_columns_become_indicators_plus_an_unseen_slot()
    {
        FeatureEncoding e = FeatureSchema.Plan(Rows(30, 1), null, null, new[] { "HOST" });
        Assert.Equal(new[] { "host", "cpu", "mem" }, e.Columns);
        Assert.Equal(new[] { "host=batch", "host=web1", "host=web2", "host=(other)", "cpu", "mem" }, e.Names);

        var dest = new double[e.Width];
        Assert.Null(e.TryRead(new TestData.Row(("host", "web2"), ("cpu", 1), ("mem", 2)), 1, dest, MissingValuePolicy.Error, out _));
        Assert.Equal(new double[] { 0, 0, 1, 0, 1, 2 }, dest);
        Assert.Null(e.TryRead(new TestData.Row(("host", "db9"), ("cpu", 1), ("mem", 2)), 2, dest, MissingValuePolicy.Error, out _));
        Assert.Equal(new double[] { 0, 0, 0, 1, 1, 2 }, dest);
    }

    [Fact]
    public void An_unseen_category_is_reported_as_its_own_feature_error()
    {
        List<IRow> rows = Rows(600, 2);
        FeatureEncoding e = FeatureSchema.Plan(rows, null, null, new[] { "host" });
        var data = new double[rows.Count * e.Width];
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Null(e.TryRead(rows[i], i + 1, data.AsSpan(i * e.Width, e.Width), MissingValuePolicy.Error, out _));
        }

        using var model = new AnomalyModel(new ModelSpec { Seed = 1, Epochs = 60 });
        model.Train(e, data, rows.Count);

        var probe = new double[3 * e.Width];
        e.TryRead(new TestData.Row(("host", "web1"), ("cpu", 65), ("mem", 130)), 1, probe.AsSpan(0, e.Width), MissingValuePolicy.Error, out _);
        e.TryRead(new TestData.Row(("host", "db7"), ("cpu", 65), ("mem", 130)), 2, probe.AsSpan(e.Width, e.Width), MissingValuePolicy.Error, out _);
        e.TryRead(new TestData.Row(("host", "batch"), ("cpu", 65), ("mem", 130)), 3, probe.AsSpan(2 * e.Width, e.Width), MissingValuePolicy.Error, out _);
        ScoreResult r = model.Score(probe, 3);

        Assert.True(r.Scores[1] > 5 * r.Scores[0], $"unseen {r.Scores[1]} vs normal {r.Scores[0]}");
        FeatureContribution unseen = r.TopFeatures(1, 1)[0];
        Assert.Equal(("host", "(other)", "Unseen"), (unseen.Feature, (string)unseen.Value, unseen.Direction));

        // A busy batch host: the load is normal for web hosts, not for this one.
        Assert.True(r.Scores[2] > 5 * r.Scores[0], $"busy batch {r.Scores[2]} vs normal {r.Scores[0]}");
        Assert.Equal(3, r.ColumnErrors(2).Length);
    }
}
