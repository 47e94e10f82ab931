using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>The verdict rules that Test-AEAnomaly shows: threshold, sustained runs, severity and percentile.</summary>
public class DetectorTests
{
    [Fact]
    public void A_row_is_flagged_only_past_the_threshold()
    {
        var detector = new Detector(2.0, 1, Array.Empty<double>());
        Assert.False(detector.Next(2.0).Anomaly); // equal is not past it
        Detection past = detector.Next(2.5);
        Assert.True(past.Anomaly);
        Assert.Equal(1.25, past.ScoreToThreshold);
        Assert.Null(past.Percentile);
    }

    [Fact]
    public void MinConsecutive_flags_the_nth_and_later_rows_of_a_run_and_a_normal_row_resets_it()
    {
        var detector = new Detector(1.0, 3, Array.Empty<double>());
        bool[] flags = new[] { 2.0, 2.0, 2.0, 2.0, 0.5, 2.0, 2.0, 2.0 }.Select(e => detector.Next(e).Anomaly).ToArray();
        Assert.Equal(new[] { false, false, true, true, false, false, false, true }, flags);
    }

    [Theory]
    [InlineData(0.9, false, AnomalySeverity.Normal)]
    [InlineData(1.5, true, AnomalySeverity.Low)]
    [InlineData(3.0, true, AnomalySeverity.Medium)]
    [InlineData(10.0, true, AnomalySeverity.High)]
    [InlineData(10.01, true, AnomalySeverity.Critical)]
    [InlineData(50.0, false, AnomalySeverity.Normal)]
    public void Severity_follows_how_far_past_the_threshold_a_flagged_row_is(double score, bool anomaly, AnomalySeverity expected) =>
        Assert.Equal(expected, Detector.SeverityOf(anomaly, score));

    [Fact]
    public void The_percentile_is_measured_against_the_models_normal_rows()
    {
        double[] reference = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        var detector = new Detector(90, 1, reference);
        Assert.Equal(50, detector.Next(50).Percentile);
        Assert.Equal(100, detector.Next(1000).Percentile);
        Assert.Equal(0, detector.Next(0.5).Percentile);
    }

    [Fact]
    public void A_zero_threshold_flags_every_positive_error_with_an_infinite_score()
    {
        var detector = new Detector(0, 1, Array.Empty<double>());
        Assert.True(double.IsPositiveInfinity(detector.Next(1e-9).ScoreToThreshold));
        Assert.Equal(0, detector.Next(0).ScoreToThreshold);
    }

    [Fact]
    public void A_model_without_threshold_gives_a_detector_only_when_one_is_passed()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 1, ValidationFraction = 0, Seed = 1 });
        model.Train(TestData.Names(3), TestData.LowRank(50, 3, 1, 0.1, 1), 50);
        Assert.Null(model.Threshold);
        var ex = Assert.Throws<AnomalyDetectionException>(() => model.CreateDetector());
        Assert.Equal(AnomalyErrorKind.NoThreshold, ex.Kind);
        Assert.Equal(0.5, model.CreateDetector(0.5).Threshold);
    }
}
