namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Training rows read straight from a CSV file with the scan's reader (<see cref="CsvRowSource"/>), without an object
/// per row: one pass surveys the columns (<see cref="FeatureSchema.Plan(IReadOnlyList{string}, Func{IReadOnlyList{string}, ColumnSurvey}, IReadOnlyList{string}?, IReadOnlyList{string}?, IReadOnlyList{string}?, Action{string}?, Action{string}?, ColumnListNames?)"/>),
/// a second encodes the rows into the training values. The columns chosen, the encoding, the missing-value policy,
/// the row errors and the values are those of the same rows read by Import-Csv and piped in, so a model trained
/// from the file with a seed is the model trained from the pipeline with that seed.
/// </summary>
public sealed class CsvTrainingFile
{
    private const int CancelCheckRows = 1 << 14;

    private long _records;

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
    /// Reads every row into row-major values of <paramref name="encoding"/>: bad rows go to <see cref="RowError"/>
    /// and are left out; with <see cref="TimestampColumn"/> the rows are put in time order (ties keep file order);
    /// missing values follow <paramref name="encoder"/>'s policy, imputed with the column means of the rows kept.
    /// When the first rows all fail, or every row does, one error says so instead of one per row.
    /// </summary>
    public (double[] Data, int Count) Encode(FeatureEncoding encoding, RowEncoder encoder)
    {
        int width = encoding.Width;
        var data = new double[checked((int)Math.Max(_records, 16) * width)];
        var keys = TimestampColumn is null ? null : new List<double>();
        var gate = new RowProblemGate<AnomalyDetectionException>();
        int count = 0;
        using (CsvRowSource source = Open())
        {
            while (source.MoveNext())
            {
                if ((source.RowNumber % CancelCheckRows) == 0)
                {
                    Cancel.ThrowIfCancellationRequested();
                }

                if ((count + 1) * width > data.Length)
                {
                    Array.Resize(ref data, data.Length * 2); // the file grew since the survey
                }

                AnomalyDetectionException? problem = source.Incomplete ?? TimeKey(source, keys);
                bool keyed = problem is null && keys is not null;
                RowStatus status = problem is null ? encoder.Read(source.Current, source.RowNumber, data.AsSpan(count * width, width), out problem) : RowStatus.Invalid;
                if (keyed && status != RowStatus.Read)
                {
                    keys!.RemoveAt(keys.Count - 1);
                }

                if (status == RowStatus.Invalid)
                {
                    Report(gate, problem!);
                    continue;
                }

                Pass(gate);
                if (status == RowStatus.Read)
                {
                    count++;
                }
            }
        }

        if (gate.NothingPassed)
        {
            throw RowEncoder.NothingTrained(gate.Held);
        }

        Array.Resize(ref data, count * width);
        if (keys is not null)
        {
            data = InTimeOrder(data, keys, width);
        }

        encoder.ImputeColumnMeans(data);
        return (data, count);
    }

    private CsvRowSource Open()
    {
        CsvRowSource source = CsvRowSource.Open(Path);
        source.NumberFormat = NumberFormat;
        return source;
    }

    private ColumnSurvey Survey(CsvRowSource source, IReadOnlyList<string> categorical)
    {
        var survey = new ColumnSurvey(source.Columns, source.Columns, categorical);
        while (source.MoveNext())
        {
            if ((source.RowNumber % CancelCheckRows) == 0)
            {
                Cancel.ThrowIfCancellationRequested();
            }

            if (source.Incomplete is null)
            {
                survey.Add(source.Current);
            }
        }

        _records = survey.Rows;
        return survey.Rows > 0 ? survey : throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, $"'{Path}' has no rows to train on: it holds its header line alone.")
        {
            RecommendedAction = "Give a CSV file whose first line names the columns and whose other lines are rows of normal data.",
        };
    }

    /// <summary>Adds the current record's time to <paramref name="keys"/>; the error when it has none.</summary>
    private AnomalyDetectionException? TimeKey(CsvRowSource source, List<double>? keys)
    {
        if (keys is null)
        {
            return null;
        }

        source.Current.TryGetValue(TimestampColumn!, out object? value);
        if (TimeOrder.Key(value) is { } key)
        {
            keys.Add(key);
            return null;
        }

        return new AnomalyDetectionException(AnomalyErrorKind.InvalidRow, $"Row {source.RowNumber}: column '{TimestampColumn}' is {ValueParser.Describe(value)}, which is neither a date nor a number. The row was skipped.")
        {
            RowNumber = source.RowNumber,
            Column = TimestampColumn,
        };
    }

    private void Report(RowProblemGate<AnomalyDetectionException> gate, AnomalyDetectionException problem)
    {
        if (!gate.Hold(problem))
        {
            RowError?.Invoke(problem);
        }
        else if (gate.IsSystematic)
        {
            throw RowEncoder.NothingTrained(gate.Held);
        }
    }

    private void Pass(RowProblemGate<AnomalyDetectionException> gate)
    {
        foreach (AnomalyDetectionException held in gate.Pass())
        {
            RowError?.Invoke(held);
        }
    }

    /// <summary>The rows of <paramref name="data"/> sorted by <paramref name="keys"/>, equal keys in file order.</summary>
    private static double[] InTimeOrder(double[] data, List<double> keys, int width)
    {
        int[] order = Enumerable.Range(0, keys.Count).OrderBy(i => keys[i]).ToArray();
        var sorted = new double[data.Length];
        for (int i = 0; i < order.Length; i++)
        {
            Array.Copy(data, order[i] * width, sorted, i * width, width);
        }

        return sorted;
    }
}
