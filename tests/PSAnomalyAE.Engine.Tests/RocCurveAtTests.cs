using Xunit;

namespace PSAnomalyAE.Engine.Tests;

public class RocCurveAtTests
{
    [Fact]
    public void The_confusion_counts_at_any_threshold_match_counting_the_rows_above_it()
    {
        var rng = new Random(3);
        double[] scores = Enumerable.Range(0, 200).Select(_ => Math.Round(rng.NextDouble() * 20) / 4).ToArray();
        bool[] labels = scores.Select(s => s + rng.NextDouble() > 3).ToArray();
        RocCurve curve = Roc.Curve(scores, labels);
        foreach (double t in new[] { -1, 0, 0.25, 1.1, 2.5, 4.99, 5, 7 })
        {
            OperatingPoint at = curve.At(t, ThresholdObjective.F1, null);
            Assert.Equal(scores.Where((s, i) => s > t && labels[i]).Count(), at.TruePositives);
            Assert.Equal(scores.Where((s, i) => s > t && !labels[i]).Count(), at.FalsePositives);
            Assert.Equal(scores.Where((s, i) => s <= t && !labels[i]).Count(), at.TrueNegatives);
            Assert.Equal(scores.Where((s, i) => s <= t && labels[i]).Count(), at.FalseNegatives);
        }
    }
}
