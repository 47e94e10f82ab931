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

    protected override void ProcessRecord()
    {
        string target = FileSystemPaths.ForWrite(this, ParameterSetName == PathSet ? Path : LiteralPath);
        if (!Model.IsTrained)
        {
            ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), Model));
        }

        if (Directory.Exists(target))
        {
            ThrowTerminatingError(Errors.Io(new IOException($"'{target}' is a directory; give a file name."), "PathIsDirectory", ErrorCategory.InvalidArgument, target));
        }

        string? folder = System.IO.Path.GetDirectoryName(target);
        if (folder is not null && !Directory.Exists(folder))
        {
            ThrowTerminatingError(Errors.Io(new DirectoryNotFoundException($"The folder '{folder}' does not exist."), "FolderNotFound", ErrorCategory.ObjectNotFound, target));
        }

        bool exists = File.Exists(target);
        if (exists && !Force)
        {
            ThrowTerminatingError(Errors.Io(
                new IOException($"The file '{target}' already exists. Use -Force to replace it."),
                "ModelFileExists",
                ErrorCategory.ResourceExists,
                target));
        }

        if (!ShouldProcess(target, exists ? "Replace model file" : "Export model"))
        {
            return;
        }

        try
        {
            if (exists && Force)
            {
                var info = new FileInfo(target);
                if (info.IsReadOnly)
                {
                    info.IsReadOnly = false;
                }
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
