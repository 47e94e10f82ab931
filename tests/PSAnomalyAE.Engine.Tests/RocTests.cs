using System.Runtime.CompilerServices;
using System.Text.Json;
using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

public class RocTests
{
    public static IEnumerable<object[]> Cases() => Fixtures().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Curves_and_areas_match_scikit_learn(string name)
    {
        JsonElement c = Fixtures().Single(f => f.GetProperty("name").GetString() == name);
        double[] scores = Doubles(c, "scores");
        bool[] labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32() == 1).ToArray();
        RocCurve curve = Roc.Curve(scores, labels);

        Assert.Equal(c.GetProperty("roc_auc").GetDouble(), curve.RocAuc, 12);
        Assert.Equal(c.GetProperty("average_precision").GetDouble(), curve.AveragePrecision, 12);
        Assert.Equal(Doubles(c, "fpr"), curve.Points.Select(p => p.FalsePositiveRate).ToArray());
        Assert.Equal(Doubles(c, "tpr"), curve.Points.Select(p => p.TruePositiveRate).ToArray());
        Assert.True(double.IsPositiveInfinity(curve.Points[0].Threshold));
        Assert.Equal(Doubles(c, "thresholds"), curve.Points.Skip(1).Select(p => p.Threshold).ToArray());
        Assert.Equal(Doubles(c, "pr_thresholds"), curve.PrecisionRecall.Select(p => p.Threshold).ToArray());
        AssertClose(Doubles(c, "precision"), curve.PrecisionRecall.Select(p => p.Precision).ToArray());
        AssertClose(Doubles(c, "recall"), curve.PrecisionRecall.Select(p => p.Recall).ToArray());
    }

    // Scores 0.1 .. 0.9 with labels chosen so each objective has one clear answer.
    private static readonly double[] s_scores = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 };
    private static readonly bool[] s_labels = { false, false, false, false, true, false, true, false, true, true };

    [Fact]
    public void The_standard_error_of_a_roc_auc_is_hanley_and_mcneils_and_grows_as_anomalies_get_fewer()
    {
        // Hanley and McNeil (1982), equations 1-3, for A = 0.9 on 50 anomalies and 50 normal rows.
        Assert.Equal(0.03212386315081136, Roc.AucStandardError(0.9, 50, 50), 12);
        Assert.Equal(0.15447241952873572, Roc.AucStandardError(0.8, 3, 300), 12);
        Assert.True(Roc.AucStandardError(0.8, 3, 300) > Roc.AucStandardError(0.8, 30, 300));
        // A perfect figure on 3 anomalies is far from certain: it is taken as 1 - 0.5 / 3.
        Assert.Equal(0.14550614364591094, Roc.AucStandardError(1, 3, 300), 12);
        Assert.Equal(0.010119962965859635, Roc.AucStandardError(1, 50, 50), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Roc.AucStandardError(0.9, 0, 300));
    }

    [Fact]
    public void F1_and_Youden_pick_the_known_best_points()
    {
        RocCurve c = Roc.Curve(s_scores, s_labels);
        // Flagging >= 0.7 catches 3 of 4 with 1 false alarm (F1 0.75); >= 0.5 catches 4 with 2 (F1 0.8).
        OperatingPoint f1 = Roc.Choose(c, ThresholdObjective.F1);
        Assert.Equal((4, 2), (f1.TruePositives, f1.FalsePositives));
        Assert.Equal(0.8, f1.F1, 12);
        OperatingPoint j = Roc.Choose(c, ThresholdObjective.Youden);
        Assert.Equal((4, 2), (j.TruePositives, j.FalsePositives)); // TPR 1 - FPR 1/3 is the largest gap
    }

    [Fact]
    public void MaxFalsePositiveRate_respects_the_limit_and_MinRecall_reaches_the_recall()
    {
        RocCurve c = Roc.Curve(s_scores, s_labels);
        OperatingPoint strict = Roc.Choose(c, ThresholdObjective.MaxFalsePositiveRate, 0.0);
        Assert.Equal((2, 0), (strict.TruePositives, strict.FalsePositives));
        OperatingPoint loose = Roc.Choose(c, ThresholdObjective.MaxFalsePositiveRate, 0.2);
        Assert.True(loose.FalsePositiveRate <= 0.2);
        Assert.Equal(3, loose.TruePositives);

        OperatingPoint all = Roc.Choose(c, ThresholdObjective.MinRecall, 1.0);
        Assert.Equal((4, 2), (all.TruePositives, all.FalsePositives));
        OperatingPoint most = Roc.Choose(c, ThresholdObjective.MinRecall, 0.75);
        Assert.Equal((3, 1), (most.TruePositives, most.FalsePositives));
    }

    [Fact]
    public void Cost_trades_misses_against_false_alarms()
    {
        RocCurve c = Roc.Curve(s_scores, s_labels);
        Assert.Equal(4, Roc.Choose(c, ThresholdObjective.Cost, 100).TruePositives);  // a miss costs 100 false alarms
        Assert.Equal(2, Roc.Choose(c, ThresholdObjective.Cost, 0.4).TruePositives);   // a miss costs less than a false alarm
    }

    [Theory]
    [InlineData(ThresholdObjective.F1, 0)]
    [InlineData(ThresholdObjective.Youden, 0)]
    [InlineData(ThresholdObjective.MaxFalsePositiveRate, 0.01)]
    [InlineData(ThresholdObjective.MinRecall, 0.9)]
    [InlineData(ThresholdObjective.Cost, 5)]
    public void The_threshold_flags_exactly_the_chosen_rows_with_strictly_greater(ThresholdObjective objective, double parameter)
    {
        JsonElement c = Fixtures().Single(f => f.GetProperty("name").GetString() == "realistic");
        double[] scores = Doubles(c, "scores");
        bool[] labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32() == 1).ToArray();
        OperatingPoint p = Roc.Choose(Roc.Curve(scores, labels), objective, parameter);
        int tp = scores.Where((s, i) => s > p.Threshold && labels[i]).Count();
        int fp = scores.Where((s, i) => s > p.Threshold && !labels[i]).Count();
        Assert.Equal((p.TruePositives, p.FalsePositives), (tp, fp));
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        var single = Assert.Throws<AnomalyDetectionException>(() => Roc.Curve(new[] { 0.1, 0.2 }, new[] { false, false }));
        Assert.Contains("needs both normal and anomalous rows", single.Message);
        var nan = Assert.Throws<AnomalyDetectionException>(() => Roc.Curve(new[] { 0.1, double.NaN }, new[] { false, true }));
        Assert.Equal(2, nan.RowNumber);
        Assert.Throws<AnomalyDetectionException>(() => Roc.Curve(Array.Empty<double>(), Array.Empty<bool>()));
        Assert.Throws<AnomalyDetectionException>(() => Roc.Curve(new[] { 0.1 }, new[] { true, false }));
        Assert.Throws<AnomalyDetectionException>(() => Roc.Choose(Roc.Curve(s_scores, s_labels), ThresholdObjective.MinRecall, 1.5));
        Assert.Throws<AnomalyDetectionException>(() => Roc.Choose(Roc.Curve(s_scores, s_labels), ThresholdObjective.Cost, 0));
    }

    [Fact]
    public void Unsupervised_rules_compute_what_they_say()
    {
        double[] v = { 1, 2, 3, 4, 100 };
        Assert.Equal(22 + (2 * Math.Sqrt(1522)), ThresholdRules.Sigma(v, 2), 9);       // mean 22, population variance 1522
        Assert.Equal(3 + (2 * 1.4826 * 1), ThresholdRules.Mad(v, 2), 12);              // median 3, MAD 1
        Assert.Equal(ThresholdRules.Percentile(v, 80), ThresholdRules.Contamination(v, 0.2));
        (double t, bool capped) = ThresholdRules.CapRatio(v, 0.5, 0.2);
        Assert.True(capped);
        Assert.True(v.Count(x => x > t) <= 1);
        Assert.Equal(60, ThresholdRules.PercentileRank(new double[] { 1, 2, 3, 4, 5 }, 3.5), 12);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }

    private static double[] Doubles(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static JsonElement[] Fixtures([CallerFilePath] string source = "")
    {
        string path = Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", "roc_fixtures.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToArray();
    }
}
