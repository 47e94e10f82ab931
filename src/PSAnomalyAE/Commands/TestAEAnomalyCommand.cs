using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Test-AEAnomaly: emits every input row with ReconstructionError, Threshold, Anomaly, AnomalyScore, the top
/// contributing features and a one-line Reason added.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AEAnomaly")]
[OutputType(typeof(PSObject))]
public sealed class TestAEAnomalyCommand : ScoringCommand
{
    // The properties a scored row gets, in the order they are added (Export-Csv takes its columns from the first row).
    private static readonly string[] s_resultProperties =
    {
        OutputProperty.ReconstructionError, OutputProperty.Threshold, OutputProperty.Anomaly, OutputProperty.AnomalyScore,
        OutputProperty.Severity, OutputProperty.ErrorPercentile, OutputProperty.TopFeatures,
    };

    private Detector _detector = null!;
    private ScoredRowView _view = null!;

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

    /// <summary>Add a ModelName property (the model's Name) to each row, so results of several models can be merged.</summary>
    [Parameter]
    public SwitchParameter IncludeModelName { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        double? threshold = MyInvocation.BoundParameters.ContainsKey(nameof(Threshold)) ? Threshold : Model.Threshold;
        if (threshold is null)
        {
            ThrowTerminatingError(Errors.NoThreshold(Model));
        }

        _detector = Model.Engine.CreateDetector(threshold, MinConsecutive);
        _view = ScoredRowView.ForAnomalies(this, Features, s_resultProperties.Append(OutputProperty.Reason));
        StreamDetector = _detector;
    }

    private protected override void Emit(PSObject row, ScoreResult result, int index)
    {
        double error = result.Errors[index];
        PSObject output = ScoredRowView.OutputFor(row, CopyOf);
        if (double.IsNaN(error))
        {
            // The model reads windows and this row has too few rows before it: no score yet, rather than an invented one.
            foreach (string name in s_resultProperties)
            {
                SetProperty(output, name, name == OutputProperty.Threshold ? _detector.Threshold : null);
            }

            SetProperty(output, OutputProperty.Reason, $"No score yet: the model reads windows of {Model.WindowSize} rows.");
            AddModelName(output);
            _view.Apply(output);
            WriteObject(output);
            return;
        }

        Detection verdict = _detector.Next(error);
        var top = new AEFeatureContributionList(result.TopFeatures(index, Top).Select(c => new AEFeatureContribution(c)).ToArray());
        SetProperty(output, OutputProperty.ReconstructionError, error);
        SetProperty(output, OutputProperty.Threshold, _detector.Threshold);
        SetProperty(output, OutputProperty.Anomaly, verdict.Anomaly);
        SetProperty(output, OutputProperty.AnomalyScore, verdict.Score);
        SetProperty(output, OutputProperty.Severity, verdict.Severity.ToString());
        SetProperty(output, OutputProperty.ErrorPercentile, verdict.Percentile);
        SetProperty(output, OutputProperty.TopFeatures, top);
        SetProperty(output, OutputProperty.Reason, Reason(verdict, top));
        AddModelName(output);
        _view.Apply(output);
        WriteObject(output);
    }

    private void AddModelName(PSObject output)
    {
        if (IncludeModelName)
        {
            SetProperty(output, OutputProperty.ModelName, Model.Name);
        }
    }

    private static string Reason(Detection verdict, AEFeatureContributionList top)
    {
        string head = string.Create(CultureInfo.InvariantCulture, $"{(verdict.Anomaly ? "Anomaly" : "Normal")} (score {verdict.Score:0.00})");
        return top.Count == 0 || !verdict.Anomaly ? head : head + ": " + top;
    }
}
