using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Find-AEScoring: chooses a model's score from labelled rows (incident history). The rows are scored by every
/// candidate the model was trained with (-Scoring Auto keeps them all), and the model is set to score by the one with the
/// highest ROC-AUC on them; its threshold becomes that candidate's training percentile, to be chosen again with
/// Find-AEThreshold. Writes the choice with every candidate's figure.
/// </summary>
[Cmdlet(VerbsCommon.Find, "AEScoring", SupportsShouldProcess = true)]
[OutputType(typeof(AEScoringChoice))]
public sealed class FindAEScoringCommand : PSCmdlet
{
    private readonly List<double> _data = new();
    private readonly List<bool> _labels = new();
    private readonly HeldRowErrors _rowErrors = new();
    private RowEncoder? _encoder;
    private long _rowNumber;

    /// <summary>A labelled row, with the model's feature columns and the label column.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The model whose score is chosen, trained with -Scoring Auto.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public AEModel Model { get; set; } = null!;

    /// <summary>The column that says whether a row is an anomaly.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string LabelProperty { get; set; } = null!;

    /// <summary>What to do with a missing feature value: Error (default), Impute (the training mean) or Skip.</summary>
    [Parameter]
    public AEMissingValue MissingValue { get; set; } = AEMissingValue.Error;

    /// <summary>The culture the rows' numbers are written in, such as de-DE for "12,5"; numbers read as written by default.</summary>
    [Parameter]
    public CultureInfo? Culture { get; set; }

    protected override void BeginProcessing()
    {
        if (!Model.IsTrained)
        {
            ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), Model));
        }

        _encoder = new RowEncoder(Model.Engine.Encoding!, EnumMap.Convert<MissingValuePolicy>(MissingValue), Model.Engine.FeatureMeans);
    }

    protected override void ProcessRecord()
    {
        _rowNumber++;
        if (PSRow.Create(InputObject, _rowNumber, out ErrorRecord? error) is not { } row)
        {
            WriteError(error!);
            return;
        }

        row.NumberFormat = CultureNumbers.FormatOf(Culture);
        if (_rowNumber == 1)
        {
            try
            {
                FeatureSchema.RequireColumns(row, Model.FeatureNames);
            }
            catch (AnomalyDetectionException ex)
            {
                ThrowTerminatingError(Errors.From(ex, InputObject));
            }
        }

        bool found = row.TryGetValue(LabelProperty, out object? raw);
        if (LabelColumn.Read(LabelProperty, _rowNumber, found, raw, InputObject, out var problem) is not { } label)
        {
            _rowErrors.Report(this, problem);
            return;
        }

        var values = new double[_encoder!.Encoding.Width];
        switch (_encoder.Read(row, _rowNumber, values, out AnomalyDetectionException? invalid))
        {
            case RowStatus.Invalid:
                WriteError(Errors.From(invalid!, InputObject));
                return;
            case RowStatus.Skipped:
                return;
        }

        _rowErrors.Passed(this);
        _data.AddRange(values);
        _labels.Add(label);
    }

    protected override void EndProcessing()
    {
        _rowErrors.ThrowIfNothingPassed(this);
        AnomalyModel engine = Model.Engine;
        ScoreChoice choice;
        try
        {
            choice = engine.ChooseScore(_data.ToArray(), _labels.Count, _labels);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, Model));
            return;
        }

        foreach (ScoreCandidate c in choice.Candidates)
        {
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"{c.Scoring}: ROC-AUC {c.LabelRocAuc:0.0000} on the labelled rows (synthetic anomalies at training: {c.SyntheticRocAuc:0.0000})."));
        }

        string now = EnumMap.Convert<AEScoring>(engine.Scoring).ToString();
        WarnWhenNotFirm(choice, engine.Scoring);
        if (ShouldProcess("Model " + Model, $"Score by {EnumMap.Convert<AEScoring>(choice.Scoring)} (now {now}), with its training threshold"))
        {
            engine.SetScoreChoice(choice);
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"The model scores by {Model.Scoring} (was {now}); provisional threshold {engine.Threshold?.Value:G6}. Choose it with: $labelled | Measure-AEReconstructionError -Model $model | Find-AEThreshold -LabelProperty {LabelProperty} -Model $model"));
        }

        WriteObject(new AEScoringChoice(choice));
    }

    /// <summary>
    /// Warns when the labelled rows prefer another score than <paramref name="current"/> by less than the standard
    /// error of the chosen ROC-AUC: with few labelled anomalies the new score may rank other rows no better.
    /// </summary>
    private void WarnWhenNotFirm(ScoreChoice choice, ScoreMethod current)
    {
        if (choice.Scoring == current || choice.LabelRocAucError is not { } error
            || choice.Candidates.FirstOrDefault(c => c.Scoring == current)?.LabelRocAuc is not { } before || choice.Chosen.LabelRocAuc is not { } after
            || after - before > error)
        {
            return;
        }

        WriteWarning(string.Create(
            CultureInfo.InvariantCulture,
            $"The labelled rows prefer {EnumMap.Convert<AEScoring>(choice.Scoring)} to {EnumMap.Convert<AEScoring>(current)} by {after - before:0.000} in ROC-AUC, within its standard error of {error:0.000} on {choice.LabelledRows?.Anomalies} labelled anomalies: on other rows it may rank no better. Label more incidents for a firmer choice, or see the figures first with -WhatIf."));
    }
}
