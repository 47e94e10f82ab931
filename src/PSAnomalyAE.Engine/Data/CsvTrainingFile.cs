namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Training rows read straight from a CSV file with the scan's reader (<see cref="CsvRowSource"/>), without an object
/// per row: the columns are surveyed (<see cref="FeatureSchema.Plan(IReadOnlyList{string}, Func{IReadOnlyList{string}, ColumnSurvey}, IReadOnlyList{string}?, IReadOnlyList{string}?, IReadOnlyList{string}?, Action{string}?, Action{string}?, ColumnListNames?)"/>)
/// and the rows encoded into the training values, in one pass where the file allows it (<see cref="Read"/>). The
/// columns chosen, the encoding, the missing-value policy, the row errors and the values are those of the same rows
/// read by Import-Csv and piped in, so a model trained from the file with a seed is the model trained from the
/// pipeline with that seed.
/// </summary>
public sealed partial class CsvTrainingFile
{
    private const int CancelCheckRows = 1 << 14;

    /// <param name="path">The CSV file; the first line names the columns, as for Import-Csv.</param>
    public CsvTrainingFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Called with each row that cannot be used (a bad value, a record the file cut short); the row is left out.</summary>
    public Action<AnomalyDetectionException>? RowError { get; init; }

    /// <summary>Sort the rows by this column (dates or numbers) before training; rows without a usable time are left out.</summary>
    public string? TimestampColumn { get; init; }

    public CancellationToken Cancel { get; init; }

    /// <summary>How the file writes its numbers (the invariant culture's unless given).</summary>
    public System.Globalization.NumberFormatInfo NumberFormat { get; init; } = System.Globalization.NumberFormatInfo.InvariantInfo;

    /// <summary>The column names of the file's header, in order (read by <see cref="Plan"/>).</summary>
    public IReadOnlyList<string> Columns { get; private set; } = Array.Empty<string>();

    /// <summary>Chooses the feature columns and their encoding from the whole file, as for rows piped in.</summary>
    public FeatureEncoding Plan(IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, Action<string>? note = null, Action<string>? warn = null, ColumnListNames? words = null)
    {
        using CsvRowSource source = Open();
        Columns = source.Columns;
        return FeatureSchema.Plan(source.Columns, cat => Survey(source, cat), include, exclude, categorical, note, warn, words);
    }

    /// <summary>Checks that the file's header has every column of <paramref name="encoding"/> (continued training); returns the header.</summary>
    public IReadOnlyList<string> RequireColumns(FeatureEncoding encoding)
    {
        using CsvRowSource source = Open();
        Columns = source.Columns;
        source.RequireColumns(encoding.Columns);
        return Columns;
    }

    /// <summary>
    /// Reads every row into values of <paramref name="encoding"/>: bad rows go to <see cref="RowError"/> and are
    /// left out; with <see cref="TimestampColumn"/> the rows are put in time order (ties keep file order); missing
    /// values follow <paramref name="encoder"/>'s policy, imputed with the column means of the rows kept. When the
    /// first rows all fail, or every row does, one error says so instead of one per row. A file larger than
    /// <see cref="MostBytesHeld"/> is not held: its rows are counted now and read again on each pass of training.
    /// </summary>
    public ITrainingRows Encode(FeatureEncoding encoding, RowEncoder encoder)
    {
        RecordEncoder records;
        using (CsvRowSource source = Open())
        {
            records = new RecordEncoder(this, encoder, Sink(encoding.Width), held: null);
            while (source.MoveNext())
            {
                CheckCancel(source);
                records.Take(source, null, null);
            }
        }

        return records.Finish(encoding);
    }

    /// <summary>
    /// Files larger than this (bytes) are not held in memory as rows: training reads them again for the scaler and
    /// for its samples, which keeps its memory near that of the samples alone. Files with
    /// <see cref="TimestampColumn"/> are always held (their rows are put in time order).
    /// </summary>
    public long MostBytesHeld { get; init; } = 64L << 20;

    /// <summary>Rows held, or rows only counted when the file is too large to hold (<see cref="MostBytesHeld"/>).</summary>
    private IRowSink Sink(int width) => TimestampColumn is null && _stamp.Length > MostBytesHeld ? new RowTally(width) : new HeldRows(width);

    private void CheckCancel(CsvRowSource source)
    {
        if ((source.RowNumber % CancelCheckRows) == 0)
        {
            Cancel.ThrowIfCancellationRequested();
        }
    }

    private CsvRowSource Open()
    {
        CsvRowSource source = CsvRowSource.Open(Path);
        _stamp = Stamp();
        source.NumberFormat = NumberFormat;
        return source;
    }

    /// <summary>Surveys the records of <paramref name="source"/>, at most <paramref name="limit"/> of them.</summary>
    private ColumnSurvey Survey(CsvRowSource source, IReadOnlyList<string> categorical, long limit = long.MaxValue)
    {
        var survey = new ColumnSurvey(source.Columns, source.Columns, categorical);
        while (survey.Rows < limit && source.MoveNext())
        {
            CheckCancel(source);
            if (source.Incomplete is null)
            {
                survey.Add(source.Current);
            }
        }

        return NotEmpty(survey);
    }

    private ColumnSurvey NotEmpty(ColumnSurvey survey) => survey.Rows > 0 ? survey : throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, $"'{Path}' has no rows to train on: it holds its header line alone.")
        {
            RecommendedAction = "Give a CSV file whose first line names the columns and whose other lines are rows of normal data.",
        };
}
