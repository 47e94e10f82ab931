using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>Set-AEThreshold: sets the score threshold of a model to a value you choose.</summary>
[Cmdlet(VerbsCommon.Set, "AEThreshold", SupportsShouldProcess = true)]
[OutputType(typeof(AEModel))]
public sealed class SetAEThresholdCommand : PSCmdlet
{
    /// <summary>The model whose threshold to set.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public AEModel Model { get; set; } = null!;

    /// <summary>Rows whose score (ReconstructionError) is above this value are anomalies.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(0.0, double.MaxValue)]
    public double Threshold { get; set; }

    /// <summary>Write the model to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!double.IsFinite(Threshold))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("The threshold must be a finite number."), "InvalidThreshold", ErrorCategory.InvalidArgument, Threshold));
        }

        if (!Model.IsTrained)
        {
            // Training sets a threshold of its own, so one set before it would be lost.
            ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), Model));
        }

        string was = Model.Threshold is { } t ? t.ToString("G6", CultureInfo.InvariantCulture) : "none";
        if (ShouldProcess("Model " + Model, string.Create(CultureInfo.InvariantCulture, $"Set the threshold to {Threshold:G6} (now {was})")))
        {
            Model.Engine.SetThreshold(new ThresholdChoice(Threshold, "Manual", null, 0, "Set-AEThreshold"), Array.Empty<double>());
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Model threshold set to {Threshold:G6} (was {was})."));
        }

        if (PassThru)
        {
            WriteObject(Model);
        }
    }
}
