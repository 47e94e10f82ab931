using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>Set-AEThreshold: sets the score threshold of a model to a value you choose.</summary>
/// <remarks>
/// -Model comes first, as for every other cmdlet (Set-AEThreshold $model 3.5); a piped model takes the threshold as
/// its only positional argument ($model | Set-AEThreshold 3.5). Two parameter sets make both work: the binder tries
/// position 0 of the default set first, and a number cannot become a model.
/// </remarks>
[Cmdlet(VerbsCommon.Set, "AEThreshold", SupportsShouldProcess = true, DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(AEModel))]
public sealed class SetAEThresholdCommand : PSCmdlet
{
    private const string ModelSet = "Model";
    private const string PipelineSet = "Pipeline";

    /// <summary>The model whose threshold to set.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ModelSet)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    [ValidateNotNull]
    public AEModel Model { get; set; } = null!;

    /// <summary>Rows whose score is above this value are anomalies.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ModelSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PipelineSet)]
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
