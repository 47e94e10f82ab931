using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>New-AEModel: a configured, untrained autoencoder model.</summary>
[Cmdlet(VerbsCommon.New, "AEModel")]
[OutputType(typeof(AEModel))]
public sealed class NewAEModelCommand : ModelSettingsCommand
{
    /// <summary>Bottleneck size; derived from the feature count when omitted.</summary>
    [Parameter]
    [ValidateRange(1, ModelLimits.MaxUnits)]
    public int LatentSize { get; set; }

    /// <summary>A name that tells the model apart from others (for example the host it watches); saved in the model file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Free text about the model; saved in the model file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Description { get; set; }

    /// <summary>Where the network trains: cpu (default) or cuda.</summary>
    [Parameter]
    [ValidateSet("cpu", "cuda")]
    public string Device { get; set; } = ModelDefaults.Device.ToString().ToLowerInvariant();

    protected override void EndProcessing()
    {
        var spec = new ModelSpec();
        try
        {
            SpecParameters.Apply(spec, MyInvocation.BoundParameters);
            spec.Device = string.Equals(Device, "cuda", StringComparison.OrdinalIgnoreCase) ? ComputeDevice.Cuda : ComputeDevice.Cpu;
            if (spec.Device == ComputeDevice.Cuda)
            {
                TorchRuntime.RequireDevice(spec.Device); // fail here, not after the rows are read
            }
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, null));
        }

        WriteObject(new AEModel(new AnomalyModel(spec) { Name = Name, Description = Description }));
    }
}
