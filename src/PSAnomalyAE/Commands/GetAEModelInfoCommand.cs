using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Get-AEModelInfo: what model files hold (name, features, architecture, threshold, training summary, format
/// version, size), read from their headers without loading the networks or libtorch.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AEModelInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AEModelInfo))]
public sealed class GetAEModelInfoCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Model files to describe; wildcards are allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    /// <summary>Model files to describe, taken exactly as typed (Get-ChildItem output binds here).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>Read only the header: do not verify the checksum over the whole file.</summary>
    [Parameter]
    public SwitchParameter SkipChecksum { get; set; }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string file in FileSystemPaths.EachForRead(this, literal ? LiteralPath : Path, literal, "ModelFileNotFound"))
        {
            Describe(file);
        }
    }

    private void Describe(string file)
    {
        if (!File.Exists(file))
        {
            WriteError(new ErrorRecord(new FileNotFoundException($"The model file '{file}' does not exist.", file), "ModelFileNotFound", ErrorCategory.ObjectNotFound, file));
            return;
        }

        if (FileReads.TryRead(file, f => ModelFileInfo.Read(f, verifyChecksum: !SkipChecksum), "ModelReadFailed", WriteError, out ModelFileInfo? info))
        {
            WriteObject(new AEModelInfo(info));
        }
    }
}
