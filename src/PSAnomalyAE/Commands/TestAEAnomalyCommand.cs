using System.Globalization;
using System.Management.Automation;
using PSAnomalyAE.Engine;
using PSAnomalyAE.Internal;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Test-AEAnomaly: emits every input row with ReconstructionError, Threshold, Anomaly, AnomalyScore, the top
/// contributing features and a one-line Reason added.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AEAnomaly")]
[OutputType(typeof(PSObject))]
public sealed class TestAEAnomalyCommand : ScoringCommand
{
    private double _threshold;
    private int _run;

    /// <summary>The reconstruction error above which a row is an anomaly; defaults to the model's threshold.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double Threshold { get; set; }

    /// <summary>Flag a row only when it is the n-th or later of consecutive rows past the threshold (sustained anomalies).</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int MinConsecutive { get; set; } = 1;

    /// <summary>How many of the largest contributing features to report per row.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int Top { get; set; } = 3;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Threshold)))
        {
            _threshold = Threshold;
        }
        else if (Model.Threshold is { } t)
        {
            _threshold = t;
        }
        else
        {
            ThrowTerminatingError(Errors.NoThreshold(Model));
        }
    }

    private protected override void Emit(PSObject row, ScoreResult result, int index)
    {
        double error = result.Errors[index];
        PSObject output = CopyOf(row);
        if (double.IsNaN(error))
        {
            // The model reads windows and this row has too few rows before it: no score yet, rather than an invented one.
            foreach (string name in new[] { "ReconstructionError", "Threshold", "Anomaly", "AnomalyScore", "Severity", "ErrorPercentile", "TopFeatures" })
            {
                SetProperty(output, name, name == "Threshold" ? _threshold : null);
            }

            SetProperty(output, "Reason", $"No score yet: the model reads windows of {Model.WindowSize} rows.");
            WriteObject(output);
            return;
        }

        _run = error > _threshold ? _run + 1 : 0;
        bool anomaly = _run >= MinConsecutive;
        double score = _threshold > 0 ? error / _threshold : (error > 0 ? double.PositiveInfinity : 0);
        var top = new AEFeatureContributionList(result.TopFeatures(index, Top).Select(c => new AEFeatureContribution(c)).ToArray());
        double percentile = Thresholds.PercentileRank(Model.Engine.ValidationErrors, error);

        SetProperty(output, "ReconstructionError", error);
        SetProperty(output, "Threshold", _threshold);
        SetProperty(output, "Anomaly", anomaly);
        SetProperty(output, "AnomalyScore", score);
        SetProperty(output, "Severity", Severity(anomaly, score));
        SetProperty(output, "ErrorPercentile", double.IsNaN(percentile) ? null : percentile);
        SetProperty(output, "TopFeatures", top);
        SetProperty(output, "Reason", Reason(anomaly, score, top));
        WriteObject(output);
    }

    /// <summary>How far past the threshold: Low up to 1.5 times, Medium up to 3, High up to 10, Critical beyond.</summary>
    internal static string Severity(bool anomaly, double score) => !anomaly ? "Normal" : score switch
    {
        <= 1.5 => "Low",
        <= 3 => "Medium",
        <= 10 => "High",
        _ => "Critical",
    };

    private static string Reason(bool anomaly, double score, AEFeatureContributionList top)
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"{(anomaly ? "Anomaly" : "Normal")} (score {score:0.00})");
        return top.Count == 0 || !anomaly ? head : head + ": " + top;
    }
}
