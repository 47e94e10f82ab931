using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>Import-AEModel: loads models saved by Export-AEModel.</summary>
[Cmdlet(VerbsData.Import, "AEModel", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AEModel))]
public sealed class ImportAEModelCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string PyTorchSet = "PyTorch";

    /// <summary>Model files to load; wildcards are allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    /// <summary>Model files to load, taken exactly as typed.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>A safetensors file of one plain torch.nn.Sequential's state_dict, taken exactly as typed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PyTorchSet)]
    [ValidateNotNullOrEmpty]
    public string PyTorch { get; set; } = null!;

    /// <summary>The JSON config that describes the -PyTorch weights; by default their file name with .json.</summary>
    [Parameter(ParameterSetName = PyTorchSet)]
    [ValidateNotNullOrEmpty]
    public string? Config { get; set; }

    protected override void BeginProcessing() => Native.EnsureLoaded(this);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PyTorchSet)
        {
            WriteObject(PyTorchModelFiles.Import(this, PyTorch, Config));
            return;
        }

        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string given in literal ? LiteralPath : Path)
        {
            IReadOnlyList<string> files;
            try
            {
                files = FileSystemPaths.ForRead(this, given, literal);
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "ModelFileNotFound", ErrorCategory.ObjectNotFound, given));
                continue;
            }

            foreach (string file in files)
            {
                Load(file);
            }
        }
    }

    private void Load(string file)
    {
        if (!File.Exists(file))
        {
            WriteError(new ErrorRecord(new FileNotFoundException($"The model file '{file}' does not exist.", file), "ModelFileNotFound", ErrorCategory.ObjectNotFound, file));
            return;
        }

        try
        {
            WriteObject(new AEModel(ModelFile.Load(file)));
        }
        catch (AnomalyDetectionException ex)
        {
            WriteError(Errors.From(ex, file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(Errors.Io(ex, "ModelReadFailed", ErrorCategory.ReadError, file));
        }
    }
}
