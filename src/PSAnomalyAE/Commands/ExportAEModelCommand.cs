using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Export-AEModel: saves a trained model to one file. The file is written next to the target under a temporary
/// name and renamed into place, so a failed save never damages an existing model file.
/// </summary>
[Cmdlet(VerbsData.Export, "AEModel", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAEModelCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The trained model to save.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    [AEModelTransformation]
    public AEModel Model { get; set; } = null!;

    /// <summary>The file to write.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The file to write, taken exactly as typed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = null!;

    /// <summary>Overwrite an existing file (also a read-only one).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the saved file's FileInfo to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>PSAnomalyAE (one model file, the default) or PyTorch (safetensors weights and a JSON config).</summary>
    [Parameter]
    public AEModelFormat Format { get; set; } = AEModelFormat.PSAnomalyAE;

    /// <summary>-Format PyTorch: the JSON config file to write; by default the weights file's name with .json.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>-Format PyTorch: a name recorded in the config.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        string target = FileSystemPaths.ForWrite(this, ParameterSetName == PathSet ? Path : LiteralPath);
        if (Format == AEModelFormat.PyTorch)
        {
            IReadOnlyList<string> written = PyTorchModelFiles.Export(this, Model, target, ConfigPath, Name, Force);
            if (PassThru && written.Count > 0)
            {
                WriteObject(InvokeProvider.Item.Get(written.ToArray(), force: true, literalPath: true), enumerateCollection: true);
            }

            return;
        }

        if (ConfigPath is not null || Name is not null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("-ConfigPath and -Name apply only to -Format PyTorch."),
                "PyTorchParameterWithoutFormat",
                ErrorCategory.InvalidArgument,
                ConfigPath ?? Name));
        }

        if (!Model.IsTrained)
        {
            ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), Model));
        }

        bool exists = TargetFiles.Check(this, target, Force);
        if (!ShouldProcess(target, exists ? "Replace model file" : "Export model"))
        {
            return;
        }

        try
        {
            if (exists)
            {
                TargetFiles.MakeWritable(target);
            }

            ModelFile.SaveAtomic(Model.Engine, target, overwrite: Force);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Errors.Io(ex, "ModelWriteFailed", ErrorCategory.WriteError, target));
        }

        WriteVerbose($"Saved the model to '{target}'.");
        if (PassThru)
        {
            WriteObject(InvokeProvider.Item.Get(new[] { target }, force: true, literalPath: true), enumerateCollection: true);
        }
    }
}
