using System.Globalization;
using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Test-AEAnomaly: emits every input row with its Score, each score term's value, Threshold, Anomaly,
/// ScoreToThreshold, Severity, ScorePercentile, the top contributing features and a one-line Reason added.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AEAnomaly")]
[OutputType(typeof(AnomalyResult))]
public sealed class TestAEAnomalyCommand : ScoringCommand
{
    // The properties a scored row gets after its score columns, in the order they are added (Export-Csv takes its
    // columns from the first row).
    private static readonly string[] s_resultProperties =
    {
        OutputProperty.Threshold, OutputProperty.Anomaly, OutputProperty.ScoreToThreshold,
        OutputProperty.Severity, OutputProperty.ScorePercentile, OutputProperty.TopFeatures,
    };

    private static readonly string[] s_severity = Enum.GetNames<AnomalySeverity>();

    // A reason names at most this many columns; TopFeatures has all -Top of them.
    private const int MaxReasonColumns = 3;

    private Detector _detector = null!;
    private ScoredRowView _view = null!;
    private object _threshold = null!;
    private long _flagged;

    /// <summary>The Score above which a row is an anomaly; defaults to the model's threshold.</summary>
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

    /// <summary>Write only the rows flagged as anomalies (every original column and the results), not the normal ones.</summary>
    [Parameter]
    public SwitchParameter AnomaliesOnly { get; set; }

    /// <summary>
    /// What the stream adapts to as it is scored: Likelihood (each score judged against the stream's own recent scores;
    /// the Score becomes that likelihood on a 0-1 scale, threshold 0.5), NewRange (a value beyond anything seen so far
    /// gets the top score), Learning (a copy of the model keeps learning from the rows judged normal); Stream is
    /// all three, the setup for a live metric. With -StatePath all of it carries over to the next run.
    /// </summary>
    [Parameter]
    public AEAdaptation Adapt { get; set; }

    /// <summary>With -Adapt Likelihood: rows scored before the likelihood judges (half fill its history, half give its first estimate).</summary>
    [Parameter]
    [ValidateRange(2, 10000000)]
    public int WarmUpRows { get; set; } = StreamAdaptation.DefaultWarmUpRows;

    /// <summary>With -Adapt Learning: rows judged normal between two learning steps (the pace of learning).</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int LearnEvery { get; set; } = StreamAdaptation.DefaultLearnEvery;

    private protected override long? Flagged => _flagged;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ScoresFleet)
        {
            return;
        }

        try
        {
            _detector = Adaptive is { Settings: var settings } && settings.Has(Adaptation.Likelihood)
                ? new Detector(Adaptive.Threshold, MinConsecutive, Array.Empty<double>())
                : ScoringModel.Engine.CreateDetector(ThresholdGiven, MinConsecutive);
        }
        catch (AnomalyDetectionException ex)
        {
            ErrorRecord error = Errors.From(ex, ScoringModel);
            error.ErrorDetails = new ErrorDetails(ex.Message)
            {
                RecommendedAction = "Choose one: $validation | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Model $model, or pass -Threshold.",
            };
            ThrowTerminatingError(error);
        }

        _threshold = _detector.Threshold;
        IEnumerable<string> scoreColumns = OutputProperty.ScoreColumns(ScoringModel.Engine);
        if (Adaptive?.Settings.Has(Adaptation.Likelihood) == true)
        {
            scoreColumns = scoreColumns.Append(AdaptiveStream.LikelihoodName);
        }

        _view = ScoredRowView.ForAnomalies(this, Features, scoreColumns.Concat(s_resultProperties).Append(OutputProperty.Reason));
        StreamDetector = _detector;
    }

    private double? ThresholdGiven => MyInvocation.BoundParameters.ContainsKey(nameof(Threshold)) ? Threshold : null;

    /// <summary>An adapting stream learns on a copy of the network, made before the first row.</summary>
    private protected override bool NeedsNetworkAtBegin => base.NeedsNetworkAtBegin || Adapt != AEAdaptation.None;

    private protected override AdaptiveStream? CreateAdaptation(AdaptationState? saved)
    {
        if (Adapt == AEAdaptation.None)
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(WarmUpRows)) || MyInvocation.BoundParameters.ContainsKey(nameof(LearnEvery)))
            {
                WriteWarning("-WarmUpRows and -LearnEvery apply only to a stream that adapts (-Adapt Likelihood or Learning); they are ignored.");
            }

            return null;
        }

        var settings = new StreamAdaptation
        {
            Mode = Enum.Parse<Adaptation>(Adapt.ToString()),
            WarmUpRows = WarmUpRows,
            LearnEvery = LearnEvery,
        };
        double threshold = settings.Has(Adaptation.Likelihood)
            ? ThresholdGiven ?? StreamAdaptation.DefaultLikelihoodThreshold
            : ThresholdRules.Require(ThresholdGiven, ScoringModel.Engine.Threshold);
        return new AdaptiveStream(ScoringModel.Engine, settings, threshold, saved);
    }

    private protected override void Emit(ScoreResult result, int index)
    {
        double score = result.Scores[index];
        if (!result.HasScore(index))
        {
            if (AnomaliesOnly)
            {
                return;
            }

            PSObject pending = OutputRow(index);
            // The model reads windows and this row has too few rows before it: no score yet, rather than an invented one.
            OutputProperty.SetScores(SetProperty, pending, result, index);
            foreach (string name in s_resultProperties)
            {
                SetProperty(pending, name, name == OutputProperty.Threshold ? _threshold : null);
            }

            SetProperty(pending, OutputProperty.Reason, $"No score yet: the model reads windows of {ScoringModel.WindowSize} rows.");
            AddModelName(pending);
            _view.Apply(pending);
            WriteRow(pending);
            return;
        }

        Detection verdict = _detector.Next(score);
        _flagged += verdict.Anomaly ? 1 : 0;
        if (AnomaliesOnly && !verdict.Anomaly)
        {
            return;
        }

        PSObject output = OutputRow(index);
        FeatureContribution[] explained = result.TopFeatures(index, Top);
        var contributions = explained.Length == 0 ? Array.Empty<AEFeatureContribution>() : new AEFeatureContribution[explained.Length];
        for (int i = 0; i < explained.Length; i++)
        {
            contributions[i] = new AEFeatureContribution(explained[i]);
        }

        var top = new AEFeatureContributionList(contributions);
        OutputProperty.SetScores(SetProperty, output, result, index);
        SetProperty(output, OutputProperty.Threshold, _threshold);
        SetProperty(output, OutputProperty.Anomaly, verdict.Anomaly);
        SetProperty(output, OutputProperty.ScoreToThreshold, verdict.ScoreToThreshold);
        SetProperty(output, OutputProperty.Severity, s_severity[(int)verdict.Severity]);
        SetProperty(output, OutputProperty.ScorePercentile, verdict.Percentile);
        SetProperty(output, OutputProperty.TopFeatures, top);
        SetProperty(output, OutputProperty.Reason, Reason(verdict, top));
        AddModelName(output);
        _view.Apply(output);
        WriteRow(output);
    }

    /// <summary>
    /// The table view of the rows is chosen by the first row scored, as it will be written (its copy, with the model's
    /// name when asked; the scores the view skips are left out). Registering it (Update-FormatData) takes tens of
    /// milliseconds the first time in a session; done here, it overlaps a libtorch still loading.
    /// </summary>
    private protected override void ChooseView(PSObject firstRow)
    {
        PSObject output = ScoredRowView.OutputFor(firstRow, OwnMembers.Copy);
        AddModelName(output);
        _view.Apply(output);
    }

    private void AddModelName(PSObject output)
    {
        if (IncludeModelName)
        {
            SetProperty(output, OutputProperty.ModelName, ScoringModel.Name);
        }
    }

    /// <summary>
    /// One line an operator can act on: the severity, how far past the threshold, and the one to three columns that
    /// drove the score, e.g. "High anomaly (score 4.20x threshold): cpu_pct 99.5 where the nearest normal rows have 41-58".
    /// </summary>
    private static string Reason(Detection verdict, AEFeatureContributionList top)
    {
        if (!verdict.Anomaly)
        {
            return Verdict("Normal", verdict.ScoreToThreshold);
        }

        string head = Verdict(s_severity[(int)verdict.Severity] + " anomaly", verdict.ScoreToThreshold);
        return top.Count == 0 ? head : head + ": " + string.Join("; ", top.Take(MaxReasonColumns).Select(c => c.Describe()));
    }

    /// <summary>"Normal (score 0.42x threshold)": the ratio as the format "0.00" writes it, without parsing that format per row.</summary>
    private static string Verdict(string head, double scoreToThreshold)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[128]);
        text.AppendLiteral(head);
        text.AppendLiteral(" (score ");
        FixedDecimals.Append(ref text, scoreToThreshold, 2, 2);
        text.AppendLiteral("x threshold)");
        return text.ToStringAndClear();
    }
}
