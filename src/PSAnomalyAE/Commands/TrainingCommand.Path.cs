using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// -Path and -LiteralPath: the training commands read a CSV file themselves, with the scan's reader and no object per
/// row, choosing and encoding the columns as for the same rows piped in from Import-Csv (the same model given -Seed).
/// </summary>
public abstract partial class TrainingCommand
{
    private const string PipelineSet = "Pipeline";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private CsvTrainingFile? _file;

    /// <summary>The CSV file of normal rows to train on (wildcards allowed, naming one file); the first line names the columns, as for Import-Csv.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The CSV file of normal rows to train on, named exactly (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    private bool FromFile => ParameterSetName != PipelineSet;

    /// <summary>The file to read, resolved once; a path naming no file or several stops the command.</summary>
    private CsvTrainingFile TrainingFile()
    {
        if (_file is not null)
        {
            return _file;
        }

        bool literal = ParameterSetName == LiteralPathSet;
        string given = literal ? LiteralPath : Path;
        IReadOnlyList<string> files = Array.Empty<string>();
        try
        {
            files = FileSystemPaths.ForRead(this, given, literal);
        }
        catch (ItemNotFoundException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "FileNotFound", ErrorCategory.ObjectNotFound, given));
        }

        if (files.Count != 1)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{given}' names {files.Count} files; training reads one file. Name one, or pipe several in: Get-ChildItem {given} | Import-Csv | {MyInvocation.MyCommand.Name}"),
                "OneTrainingFile",
                ErrorCategory.InvalidArgument,
                given));
        }

        string file = files[0];
        _file = new CsvTrainingFile(file) { RowError = ex => WriteError(Errors.From(ex, file)), TimestampColumn = TimestampProperty, Cancel = Cancel.Token, NumberFormat = CultureNumbers.FormatOf(Culture) ?? System.Globalization.NumberFormatInfo.InvariantInfo };
        return _file;
    }

    /// <summary>Runs <paramref name="read"/> on the file: I/O errors stop the command naming it, Ctrl+C stops it quietly.</summary>
    private T ReadFile<T>(Func<CsvTrainingFile, T> read)
    {
        CsvTrainingFile file = TrainingFile();
        try
        {
            return read(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(FileReadFailed(ex));
            throw;
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>The error that stops the command when the training file cannot be read, naming it.</summary>
    private ErrorRecord FileReadFailed(Exception ex) => Errors.Io(ex, "FileReadFailed", ErrorCategory.ReadError, TrainingFile().Path);

    /// <summary>Stops when the file's header lacks a column of <paramref name="encoding"/> (continued training).</summary>
    private void RequireFileColumns(FeatureEncoding encoding) => ReadFile(file => file.RequireColumns(encoding));

    /// <summary>Encodes every row of the file with <paramref name="encoding"/>; bad rows are reported and left out.</summary>
    private ITrainingRows EncodeFile(FeatureEncoding encoding)
    {
        var encoder = new RowEncoder(encoding, Policy, means: null);
        return Encoded(ReadFile(file => file.Encode(encoding, encoder)), encoder);
    }

    /// <summary>Chooses the feature columns of the file and encodes its rows, in one pass where the file allows.</summary>
    private (FeatureEncoding Encoding, ITrainingRows Rows) ReadFile(ModelSpec spec, Action<FeatureEncoding> chosen)
    {
        (FeatureEncoding encoding, ITrainingRows rows, RowEncoder encoder) = ReadFile(file => file.Read(spec.Property, spec.ExcludeProperty, spec.CategoricalProperty, Policy, WriteVerbose, WriteWarning, chosen, s_columnLists));
        return (encoding, Encoded(rows, encoder));
    }

    private MissingValuePolicy Policy => EnumMap.Convert<MissingValuePolicy>(MissingValue);

    /// <summary>Warns about the rows with missing values, and stops when the file had no rows to train on.</summary>
    private ITrainingRows Encoded(ITrainingRows rows, RowEncoder encoder)
    {
        if (encoder.Summary("the column means of the training rows") is { } warning)
        {
            WriteWarning(warning);
        }

        if (rows.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, $"'{TrainingFile().Path}' has no rows to train on.")
            {
                RecommendedAction = "Give a CSV file whose first line names the columns and whose other lines are rows of normal data.",
            };
        }

        return rows;
    }
}
