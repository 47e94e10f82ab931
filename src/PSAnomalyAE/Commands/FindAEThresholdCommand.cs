using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Find-AEThreshold: chooses the score threshold from rows that carry a Score (the output of
/// Measure-AEReconstructionError; rows written by older versions carry it as ReconstructionError) or from plain numbers: by a percentile, mean + k sd, median + k MAD or
/// an expected contamination on normal rows, or, with labels, by an objective over the ROC curve.
/// </summary>
[Cmdlet(VerbsCommon.Find, "AEThreshold", DefaultParameterSetName = PercentileSet, SupportsShouldProcess = true)]
[OutputType(typeof(AEThreshold))]
public sealed class FindAEThresholdCommand : PSCmdlet
{
    private const string PercentileSet = "Percentile";
    private const string SigmaSet = "Sigma";
    private const string MadSet = "Mad";
    private const string ContaminationSet = "Contamination";
    private const string LabelledSet = "Labelled";
    private const string ErrorProperty = OutputProperty.Score;

    // Scored rows written before the score had a column of its own carry it as ReconstructionError.
    private const string EarlierErrorProperty = OutputProperty.ReconstructionError;
    private readonly List<double> _errors = new();
    private readonly List<bool> _labels = new();
    private readonly HeldRowErrors _rowErrors = new();
    private long _rowNumber;
    private RocCurve? _curve;
    private int _unscored;

    /// <summary>A row with a Score property (or, from older files, a ReconstructionError), or a number.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>The percentile (0-100) of the errors of normal rows to use as the threshold.</summary>
    [Parameter(ParameterSetName = PercentileSet)]
    [ValidateRange(0.0, 100.0)]
    public double Percentile { get; set; } = ModelDefaults.ThresholdPercentile;

    /// <summary>Threshold = mean + k standard deviations of the errors.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SigmaSet)]
    [ValidateRange(0.0, 1000.0)]
    public double Sigma { get; set; }

    /// <summary>Threshold = median + k scaled median absolute deviations of the errors (robust to outliers).</summary>
    [Parameter(Mandatory = true, ParameterSetName = MadSet)]
    [ValidateRange(0.0, 1000.0)]
    public double Mad { get; set; }

    /// <summary>The expected share of anomalies among the rows given (0-0.5); the threshold flags that share.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ContaminationSet)]
    [ValidateContamination]
    public double Contamination { get; set; }

    /// <summary>The column that says whether a row is an anomaly: 1/0, true/false, yes/no, anomaly/normal.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LabelledSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string LabelProperty { get; set; } = null!;

    /// <summary>How to choose from labelled rows: F1 (default), Youden, MaxFalsePositiveRate, MinRecall or Cost.</summary>
    [Parameter(Position = 0, ParameterSetName = LabelledSet)]
    public AEThresholdObjective Objective { get; set; } = AEThresholdObjective.F1;

    /// <summary>The objective's limit: the false-positive rate (default 0.01), the recall (default 0.99) or the cost of a miss in false alarms (default 10).</summary>
    [Parameter(Position = 1, ParameterSetName = LabelledSet)]
    [Alias("Limit")]
    [ValidateRange(0.0, 1e9)]
    public double ObjectiveValue { get; set; }

    /// <summary>Raise the threshold if needed so that at most this share (0-1) of the given rows is flagged.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double MaxAnomalyRatio { get; set; } = 1;

    /// <summary>A model to store the threshold on.</summary>
    [Parameter]
    [ValidateNotNull]
    [AEModelTransformation]
    public AEModel? Model { get; set; }

    /// <summary>Write a picture (.png or .svg): ROC and precision-recall curves (with labels) and the error histogram with the threshold.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PlotPath { get; set; }

    /// <summary>The culture scores written as text are in ("3,6159" in de-DE); by default invariant, then this session's culture.</summary>
    [Parameter]
    [ValidateNotNull]
    public System.Globalization.CultureInfo? Culture { get; set; }

    private bool Labelled => ParameterSetName == LabelledSet;

    protected override void BeginProcessing()
    {
        if (PlotPath is not null)
        {
            PlotOutput.Check(this, PlotPath);
        }
    }

    protected override void ProcessRecord()
    {
        _rowNumber++;
        object? value = InputObject?.BaseObject;
        bool plainValue = value is string or ValueType;
        if (plainValue && Labelled)
        {
            Report(
                RowError($"Row {_rowNumber} is a number, but -LabelProperty needs rows with {ErrorProperty} and {LabelProperty} properties.", "MissingLabel"),
                $"-LabelProperty needs rows with {ErrorProperty} and '{LabelProperty}' properties, but it was given plain values such as {ValueParser.Describe(value)}. Pipe the rows of Measure-AEReconstructionError, whose input rows carry the label column.");
            return;
        }

        if (!plainValue && InputObject is not null)
        {
            PSPropertyInfo? property = InputObject.Properties[ErrorProperty] ?? InputObject.Properties[EarlierErrorProperty];
            value = property?.Value is { } v ? (v is PSObject p ? p.BaseObject : v) : null;
            if (property is not null && value is null)
            {
                // A windowed model's first rows have no score yet; they carry an empty Score.
                _unscored++;
                return;
            }

            if (value is null)
            {
                Report(
                    RowError($"Row {_rowNumber} has no {ErrorProperty} property. Pipe the output of Measure-AEReconstructionError, or numbers.", "MissingReconstructionError"),
                    $"The rows piped in have no {ErrorProperty} property; they look like data rows (properties: {LabelColumn.PropertyList(InputObject)}). Score them first: ... | Measure-AEReconstructionError -Model $model | Find-AEThreshold, or pipe the errors as numbers.");
                return;
            }
        }

        if (CultureNumbers.Parse(value, Culture, out double error) != ValueKind.Number || error < 0)
        {
            Report(
                RowError($"Row {_rowNumber}: {ErrorProperty} is {ValueParser.Describe(value)}; expected a non-negative finite number.", "InvalidReconstructionError"),
                $"The {ErrorProperty} values piped in are not non-negative numbers (the first is {ValueParser.Describe(value)}). Pipe the output of Measure-AEReconstructionError, or numbers.");
            return;
        }

        if (Labelled)
        {
            PSPropertyInfo? column = InputObject!.Properties[LabelProperty];
            if (LabelColumn.Read(LabelProperty, _rowNumber, column is not null, column?.Value, InputObject, out var problem) is not { } label)
            {
                _rowErrors.Report(this, problem);
                return;
            }

            _labels.Add(label);
        }

        _errors.Add(error);
        _rowErrors.Passed(this);
    }

    private void Report(ErrorRecord record, string systematic) => _rowErrors.Report(this, (record, systematic));

    protected override void EndProcessing()
    {
        _rowErrors.ThrowIfNothingPassed(this);

        if (_unscored > 0)
        {
            WriteVerbose($"{_unscored} row(s) had no score yet (the first rows of a windowed model) and were left out.");
        }

        AEThreshold result;
        try
        {
            result = Choose();
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, null));
            return;
        }

        if (PlotPath is not null)
        {
            result.PlotPath = PlotOutput.Write(this, PlotPath, "Write threshold picture", path =>
            {
                OperatingPoint? point = _curve?.At(result.Threshold, EnumMap.Convert<ThresholdObjective>(Objective), result.Parameter);
                ThresholdPlot.Save(path, _errors, Labelled ? _labels : null, result.Threshold, Describe(result), _curve, point);
            });
        }

        if (Model is not null && ShouldProcess(
            "Model " + Model,
            string.Create(CultureInfo.InvariantCulture, $"Set the threshold to {result.Threshold:G6} ({Describe(result)})")))
        {
            IEnumerable<double> normal = Labelled ? _errors.Where((_, i) => !_labels[i]) : _errors;
            Model.Engine.SetThreshold(new ThresholdChoice(result.Threshold, result.Method, result.Parameter, result.RowCount, "Find-AEThreshold"), normal);
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Model threshold set to {result.Threshold:G6}."));
        }

        WriteObject(result);
    }

    private AEThreshold Choose()
    {
        if (_errors.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "No reconstruction errors were given to choose a threshold from.")
            {
                RecommendedAction = "Pipe validation rows through Measure-AEReconstructionError into Find-AEThreshold.",
            };
        }

        if (_errors.Distinct().Count() == 1 && _errors.Count > 1)
        {
            WriteWarning($"All {_errors.Count} reconstruction errors are equal ({_errors[0].ToString("G6", CultureInfo.InvariantCulture)}); no threshold can separate these rows.");
        }

        double threshold;
        string method;
        double? parameter;
        switch (ParameterSetName)
        {
            case SigmaSet:
                (threshold, method, parameter) = (ThresholdRules.Sigma(_errors, Sigma), "Sigma", Sigma);
                break;
            case MadSet:
                (threshold, method, parameter) = (ThresholdRules.Mad(_errors, Mad), "Mad", Mad);
                break;
            case ContaminationSet:
                (threshold, method, parameter) = (ThresholdRules.Contamination(_errors, Contamination), "Contamination", Contamination);
                break;
            case LabelledSet:
                _curve = Roc.Curve(_errors, _labels);
                var objective = EnumMap.Convert<ThresholdObjective>(Objective);
                double value = MyInvocation.BoundParameters.ContainsKey(nameof(ObjectiveValue)) ? ObjectiveValue : ThresholdRules.DefaultObjectiveValue(objective);
                OperatingPoint op = Roc.Choose(_curve, objective, value);
                (threshold, method, parameter) = (op.Threshold, Objective.ToString(), op.Parameter);
                break;
            default:
                WarnIfTooFewRows();
                (threshold, method, parameter) = (ThresholdRules.Percentile(_errors, Percentile), "Percentile", Percentile);
                break;
        }

        bool capped = false;
        if (MaxAnomalyRatio < 1)
        {
            (threshold, capped) = ThresholdRules.CapRatio(_errors, threshold, MaxAnomalyRatio);
            if (capped)
            {
                WriteWarning(string.Create(CultureInfo.InvariantCulture, $"The threshold was raised to {threshold:G6} so that at most {MaxAnomalyRatio:P1} of the rows are flagged (-MaxAnomalyRatio)."));
            }
        }

        var result = new AEThreshold(threshold, method, parameter, _errors, capped);
        if (_curve is { } curve)
        {
            OperatingPoint at = curve.At(threshold, EnumMap.Convert<ThresholdObjective>(Objective), parameter);
            result.RocAuc = curve.RocAuc;
            result.AveragePrecision = curve.AveragePrecision;
            result.Precision = at.Precision;
            result.Recall = at.Recall;
            result.F1 = at.F1;
            result.FalsePositiveRate = at.FalsePositiveRate;
            (result.TruePositives, result.FalsePositives, result.TrueNegatives, result.FalseNegatives) = (at.TruePositives, at.FalsePositives, at.TrueNegatives, at.FalseNegatives);
            result.Roc = curve.Points.Select(p => new AERocPoint(p)).ToArray();
            result.PrecisionRecall = curve.PrecisionRecall.Select(p => new AEPrecisionRecallPoint(p)).ToArray();
        }

        return result;
    }

    private void WarnIfTooFewRows()
    {
        int needed = Percentile >= 100 ? int.MaxValue : (int)Math.Ceiling((100.0 / (100.0 - Percentile)) - 1e-9);
        if (_errors.Count < needed)
        {
            WriteWarning(string.Create(
                CultureInfo.InvariantCulture,
                $"The {Percentile}th percentile of {_errors.Count} rows is little more than their largest error; about {(needed == int.MaxValue ? "unlimited" : needed.ToString(CultureInfo.InvariantCulture))} rows are needed for a stable estimate."));
        }
    }

    private static string Describe(AEThreshold t) =>
        t.Parameter is { } p ? string.Create(CultureInfo.InvariantCulture, $"{t.Method} {p}") : t.Method;

    private ErrorRecord RowError(string message, string id) =>
        new(new ArgumentException(message), id, ErrorCategory.InvalidData, InputObject);

    /// <summary>Takes the shares of anomalies the engine's Contamination rule takes, with its message.</summary>
    private sealed class ValidateContaminationAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            if (ThresholdRules.ContaminationProblem(LanguagePrimitives.ConvertTo<double>(arguments)) is { } problem)
            {
                throw new ValidationMetadataException(problem);
            }
        }
    }
}
