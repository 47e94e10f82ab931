using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// -Path and -LiteralPath: the scoring cmdlets read CSV files themselves, in large batches, with the parsing rules
/// and row/column errors of the pipeline (rows numbered from 1 in each file, as after Import-Csv). Only the batch
/// being scored is held, so memory does not grow with the file; no object is made for a row that is not written.
/// </summary>
public abstract partial class ScoringCommand
{
    private protected const string PipelineSet = "Pipeline";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private CsvRowSource? _source;

    /// <summary>CSV files to score (wildcards allowed); the first line names the columns, as for Import-Csv.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = null!;

    /// <summary>CSV files to score, named exactly (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    private int ScoringBatchSize() =>
        MyInvocation.BoundParameters.ContainsKey(nameof(BatchSize)) ? BatchSize
        : ParameterSetName != PipelineSet ? ModelDefaults.FileScoringBatchSize
        : ModelDefaults.StreamBatchSize(ScoringModel.WindowSize);

    private void ScoreFiles()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string file in FileSystemPaths.EachForRead(this, literal ? LiteralPath : Path, literal, "FileNotFound"))
        {
            if (Stopping)
            {
                return;
            }

            ScoreFile(file);
        }
    }

    private void ScoreFile(string file)
    {
        if (!FileReads.TryRead(file, CsvRowSource.Open, "FileReadFailed", WriteError, out _source))
        {
            return;
        }

        _source.NumberFormat = NumberFormat ?? _source.NumberFormat;
        try
        {
            try
            {
                _source.RequireColumns(Features);
            }
            catch (AnomalyDetectionException ex)
            {
                ThrowTerminatingError(Errors.From(ex, file));
            }

            while (_source.MoveNext())
            {
                if (_source.Incomplete is { } cut)
                {
                    WriteError(Errors.From(cut, file));
                    continue;
                }

                switch (_scorer.Add(_source.Current, _source.RowNumber, out AnomalyDetectionException? problem))
                {
                    case RowStatus.Invalid:
                        ReportUnreadable(Errors.From(problem!, file));
                        continue;
                    case RowStatus.Skipped:
                        continue;
                }

                RowReadable();
                _source.Keep();
                if (_scorer.IsFull)
                {
                    Flush();
                    if (Stopping)
                    {
                        return;
                    }
                }
            }

            // A file's last rows are scored before the next file is read; windows carry on across files as across batches.
            Flush();
            FileRead(file, _source.RowNumber);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Errors.Io(ex, "FileReadFailed", ErrorCategory.ReadError, file));
        }
        finally
        {
            _source.Dispose();
            _source = null;
        }
    }

    /// <summary>A new object for kept row <paramref name="index"/> of the file: every column as a string, as Import-Csv gives it.</summary>
    private PSObject FileRow(int index)
    {
        var row = new PSObject();
        IReadOnlyList<string> columns = _source!.Columns;
        for (int c = 0; c < columns.Count; c++)
        {
            row.Properties.Add(new PSNoteProperty(columns[c], _source.Cell(index, c)), preValidated: true);
        }

        return row;
    }
}
