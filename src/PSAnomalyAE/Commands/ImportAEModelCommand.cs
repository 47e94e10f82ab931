using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Import-AEModel: loads models saved by Export-AEModel. As with Import-Clixml and Import-Csv, a path that names no
/// file, or a file that cannot be read or is damaged, is a terminating error: a job never goes on without its model.
/// </summary>
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

    /// <summary>
    /// The state file of a stream that learned (Test-AEAnomaly -Adapt Learning -StatePath): the model is returned as
    /// the stream has learned it, ready for Export-AEModel. The state must belong to the model.
    /// </summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    /// <summary>
    /// Installs this platform's runtime module when it is missing. libtorch itself loads in the background from the
    /// moment the first model file's checksum is verified (see <see cref="Load"/>).
    /// </summary>
    protected override void BeginProcessing() => RuntimeInstaller.EnsureInstalled(this);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PyTorchSet)
        {
            Native.EnsureLoaded(this);
            WriteObject(PyTorchModelFiles.Import(this, PyTorch, Config));
            return;
        }

        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string given in literal ? LiteralPath : Path)
        {
            IReadOnlyList<string> files = Array.Empty<string>();
            try
            {
                files = FileSystemPaths.ForRead(this, given, literal);
            }
            catch (ItemNotFoundException)
            {
                // A plain path to a missing file: reported below with the file's full path.
            }

            if (files.Count == 0)
            {
                bool pattern = !literal && WildcardPattern.ContainsWildcardCharacters(given);
                ThrowTerminatingError(NotFound(
                    pattern ? $"No model file matches '{given}'." : $"The model file '{given}' does not exist.",
                    given));
            }

            foreach (string file in files)
            {
                Load(file);
            }
        }
    }

    private void Load(string file)
    {
        if (Directory.Exists(file))
        {
            ThrowTerminatingError(Errors.Io(
                new IOException($"'{file}' is a folder, not a model file. To load every model in it: Import-AEModel -Path '{System.IO.Path.Combine(file, "*.aemodel")}'"),
                "PathIsDirectory",
                ErrorCategory.InvalidArgument,
                file));
        }

        if (!File.Exists(file))
        {
            ThrowTerminatingError(NotFound($"The model file '{file}' does not exist.", file));
        }

        // libtorch's load starts once the file is read and its checksum verified, and overlaps the parsing of its
        // header and whatever the session does next; the network is built once it is loaded, and the first command
        // that uses the model waits for it (and reports a load failure, as every command that needs libtorch does).
        if (!FileReads.TryRead(file, f => ModelFile.Load(f, TorchRuntime.BeginLoading, buildInBackground: true), "ModelReadFailed", ThrowTerminatingError, out AnomalyModel? engine))
        {
            return;
        }

        WriteVerbose($"Loaded model '{engine.Name}' from '{file}'.");
        WriteObject(new AEModel(StatePath is null ? engine : Adapted(engine)));
    }

    /// <summary>The model as the stream of -StatePath learned it; the loaded model is released.</summary>
    private AnomalyModel Adapted(AnomalyModel loaded)
    {
        Native.EnsureLoaded(this);
        string path = FileSystemPaths.ForRead(this, StatePath!, literal: true)[0];
        try
        {
            ScoringState state = ScoringState.Load(path) ?? throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument, $"The scoring state '{path}' does not exist.");
            state.RequireModel(loaded, ScoringState.FingerprintOf(loaded));
            AdaptationState adaptation = state.Adaptation ?? throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument, $"The scoring state '{path}' is of a stream that does not adapt: it holds nothing the model learned.");
            AnomalyModel adapted = AdaptiveStream.Adapted(loaded, adaptation);
            WriteVerbose($"Applied what the stream of '{path}' learned ({state.RowsScored:N0} rows scored).");
            return adapted;
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, path));
            throw;
        }
        finally
        {
            loaded.Dispose();
        }
    }

    private static ErrorRecord NotFound(string message, string path) =>
        new(new FileNotFoundException(message, path), "ModelFileNotFound", ErrorCategory.ObjectNotFound, path);
}
