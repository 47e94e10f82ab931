using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// -Path and -LiteralPath: the scoring cmdlets read CSV files themselves, in large batches, with the parsing rules
/// and row/column errors of the pipeline (rows numbered from 1 in each file, as after Import-Csv). The batches are
/// scored on every core while this thread reads the next rows and writes the scored ones, in file order; only those
/// few batches are held, so memory does not grow with the file, and no object is made for a row that is not written.
/// </summary>
public abstract partial class ScoringCommand
{
    private protected const string PipelineSet = "Pipeline";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private CsvRowSource? _source;
    private CsvRecords? _emitting;

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

            // Batches are scored on every core while the next rows are read, and written in file order; an adapting
            // stream learns from each batch before the next is scored, so it scores them in turn.
            using ScoringPipeline<CsvRecords>? pipeline = Adaptive is null ? new(ScoringPipeline<CsvRecords>.DefaultWorkers) : null;
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
                    ScoreBatch(pipeline, all: false);
                    if (Stopping)
                    {
                        return;
                    }
                }
            }

            // A file's last rows are scored before the next file is read; windows carry on across files as across batches.
            ScoreBatch(pipeline, all: true);
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

    /// <summary>
    /// Scores the rows read: with a pipeline, hands them to it and writes the batches it has scored, in file order
    /// (with <paramref name="all"/>, every batch still pending: the end of a file); without one, flushes them.
    /// </summary>
    private void ScoreBatch(ScoringPipeline<CsvRecords>? pipeline, bool all)
    {
        if (pipeline is null)
        {
            Flush();
            return;
        }

        if (_scorer.Take() is { } batch)
        {
            pipeline.Add(batch, _source!.TakeKept());
        }

        while (!Stopping)
        {
            CsvRecords? records = null;
            ScoreResult? result = ScoreOrStop(() => pipeline.TryNext(all, out ScoreResult? next, out records) ? next : null);
            if (result is null)
            {
                return;
            }

            _emitting = records;
            try
            {
                EmitBatch(result);
            }
            finally
            {
                _emitting = null;
            }

            _source!.Recycle(records!);
        }
    }

    /// <summary>A new object for kept row <paramref name="index"/> of the file: every column as a string, as Import-Csv gives it.</summary>
    private PSObject FileRow(int index)
    {
        var row = new PSObject();
        IReadOnlyList<string> columns = _source!.Columns;
        for (int c = 0; c < columns.Count; c++)
        {
            OwnMembers.AddNote(row, columns[c], _emitting is not null ? _emitting.Cell(index, c) : _source.Cell(index, c));
        }

        return row;
    }
}
