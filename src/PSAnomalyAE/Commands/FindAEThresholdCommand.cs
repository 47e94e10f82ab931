using System.Globalization;
using System.Management.Automation;
using PSAnomalyAE.Engine;
using PSAnomalyAE.Internal;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Find-AEThreshold: chooses the reconstruction-error threshold from rows of normal validation data that carry a
/// ReconstructionError (the output of Measure-AEReconstructionError), or from plain numbers.
/// </summary>
[Cmdlet(VerbsCommon.Find, "AEThreshold")]
[OutputType(typeof(AEThreshold))]
public sealed class FindAEThresholdCommand : PSCmdlet
{
    private const string ErrorProperty = "ReconstructionError";
    private readonly List<double> _errors = new();
    private long _rowNumber;

    /// <summary>A row with a ReconstructionError property, or a number.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>The percentile (0-100) of the errors of normal rows to use as the threshold.</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double Percentile { get; set; } = 99;

    /// <summary>A model to store the threshold on.</summary>
    [Parameter]
    [ValidateNotNull]
    public AEModel? Model { get; set; }

    protected override void ProcessRecord()
    {
        _rowNumber++;
        object? value = InputObject?.BaseObject;
        if (value is not (string or ValueType) && InputObject is not null)
        {
            value = InputObject.Properties[ErrorProperty]?.Value is { } v ? (v is PSObject p ? p.BaseObject : v) : null;
            if (value is null)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"Row {_rowNumber} has no {ErrorProperty} property. Pipe the output of Measure-AEReconstructionError, or numbers."),
                    "MissingReconstructionError",
                    ErrorCategory.InvalidData,
                    InputObject));
                return;
            }
        }

        if (ValueParser.Parse(value, out double error) != ValueKind.Number || error < 0)
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"Row {_rowNumber}: {ErrorProperty} is {ValueParser.Describe(value)}; expected a non-negative finite number."),
                "InvalidReconstructionError",
                ErrorCategory.InvalidData,
                InputObject));
            return;
        }

        _errors.Add(error);
    }

    protected override void EndProcessing()
    {
        if (_errors.Count == 0)
        {
            ThrowTerminatingError(Errors.From(
                new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "No reconstruction errors were given to choose a threshold from.")
                {
                    RecommendedAction = "Pipe normal validation rows through Measure-AEReconstructionError into Find-AEThreshold.",
                },
                null));
        }

        int needed = Percentile >= 100 ? int.MaxValue : (int)Math.Ceiling((100.0 / (100.0 - Percentile)) - 1e-9);
        if (_errors.Count < needed)
        {
            WriteWarning(string.Create(
                CultureInfo.InvariantCulture,
                $"The {Percentile}th percentile of {_errors.Count} rows is little more than their largest error; about {(needed == int.MaxValue ? "unlimited" : needed.ToString(CultureInfo.InvariantCulture))} rows are needed for a stable estimate."));
        }

        double threshold = Thresholds.Percentile(_errors, Percentile);
        _errors.Sort();
        var result = new AEThreshold(
            threshold,
            "Percentile",
            Percentile,
            _errors.Count,
            Thresholds.CountAbove(_errors, threshold),
            _errors[0],
            Thresholds.Percentile(_errors, 50),
            _errors[^1]);

        if (Model is not null)
        {
            Model.Engine.Threshold = new ThresholdInfo(threshold, "Percentile", Percentile, _errors.Count, "Find-AEThreshold");
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Model threshold set to {threshold:G6}."));
        }

        WriteObject(result);
    }
}
