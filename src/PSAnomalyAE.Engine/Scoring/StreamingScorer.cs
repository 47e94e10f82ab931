namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Scores a stream of rows in batches (one network call per batch) and owns the window context: for a model that
/// reads windows of rows, the last WindowSize - 1 rows of each batch stay as context for the next, so a stream scored
/// in batches of any size gives the same results as the whole stream at once.
/// </summary>
public sealed class StreamingScorer
{
    private readonly AnomalyModel _model;
    private readonly int _width;
    private readonly int _window;
    private readonly Stack<double[]> _spareBuffers = new();
    private double[] _buffer;
    private readonly long[] _numbers;
    private int _context;
    private AdaptiveStream? _adaptive;

    public StreamingScorer(AnomalyModel model, int batchSize, MissingValuePolicy policy)
    {
        if (!model.IsTrained)
        {
            throw AnomalyModel.NotTrained();
        }

        if (batchSize < 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The batch size must be at least 1.");
        }

        _model = model;
        BatchSize = batchSize;
        Encoder = new RowEncoder(model.Encoding!, policy, model.FeatureMeans);
        _width = model.Encoding!.Width;
        _window = model.WindowSize;
        _buffer = new double[(batchSize + _window - 1) * _width];
        _numbers = new long[batchSize];
    }

    public int BatchSize { get; }

    /// <summary>Reads rows and counts the ones it skipped or imputed.</summary>
    public RowEncoder Encoder { get; }

    /// <summary>Rows read and waiting to be scored.</summary>
    public int Pending { get; private set; }

    /// <summary>True when a batch is full (or an adapting stream's next learning step is due after it): call <see cref="Flush"/>.</summary>
    public bool IsFull => Pending == BatchSize || Pending >= (Adaptive?.MaxBatchRows ?? int.MaxValue);

    /// <summary>
    /// The adapting stream that judges each batch and scores it with its own model when it learns; null when the
    /// model scores every row as trained. Set it before the first row.
    /// </summary>
    public AdaptiveStream? Adaptive
    {
        get => _adaptive;
        set
        {
            if (Pending != 0 || Scored != 0)
            {
                throw new InvalidOperationException("An adapting stream can only be set before the first row.");
            }

            _adaptive = value;
        }
    }

    /// <summary>Rows scored so far.</summary>
    public long Scored { get; private set; }

    /// <summary>
    /// Reads one row into the batch. A row that is <see cref="RowStatus.Skipped"/> or <see cref="RowStatus.Invalid"/>
    /// takes no place in it (and, for windows, is not part of any window).
    /// </summary>
    public RowStatus Add(IRow row, long rowNumber, out AnomalyDetectionException? error)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("The batch is full; flush it first.");
        }

        Span<double> slot = _buffer.AsSpan((_context + Pending) * _width, _width);
        RowStatus status = Encoder.Read(row, rowNumber, slot, out error);
        if (status == RowStatus.Read)
        {
            _numbers[Pending] = rowNumber;
            Pending++;
        }

        return status;
    }

    /// <summary>
    /// Scores the pending rows, in the order they were added; null when none are pending. A row whose score is not a
    /// finite number is in the result like any other: <see cref="ScoreResult.NonFiniteScore"/> gives its error, with
    /// the row number it was added with.
    /// </summary>
    public ScoreResult? Flush()
    {
        if (Pending == 0)
        {
            return null;
        }

        int total = _context + Pending;
        ScoreResult result = (_adaptive?.Model ?? _model).Score(_buffer.AsSpan(0, total * _width), total, _context);
        result.RowNumbers = _numbers[..Pending];
        _adaptive?.Judge(result);
        StartNext(_buffer);
        return result;
    }

    /// <summary>
    /// Hands the pending rows over as a batch to be scored apart from the stream, on any thread, while the next rows
    /// are read (<see cref="ScoringPipeline{T}"/>); null when none are pending. The window context carries on as after
    /// <see cref="Flush"/>, and the batch's scores are those <see cref="Flush"/> would give. Not for an adapting
    /// stream, whose model learns from each batch before the next is scored.
    /// </summary>
    public ScoringBatch? Take()
    {
        if (_adaptive is not null)
        {
            throw new InvalidOperationException("An adapting stream scores its batches in turn; flush them.");
        }

        if (Pending == 0)
        {
            return null;
        }

        int total = _context + Pending;
        var batch = new ScoringBatch(this, _buffer, total, _context, _numbers[..Pending]);
        double[] next;
        lock (_spareBuffers)
        {
            next = _spareBuffers.Count > 0 ? _spareBuffers.Pop() : new double[_buffer.Length];
        }

        StartNext(next);
        return batch;
    }

    /// <summary>
    /// Starts the next batch in <paramref name="next"/> (this batch's buffer, or another while this one is scored),
    /// with the last WindowSize - 1 rows read as its context.
    /// </summary>
    private void StartNext(double[] next)
    {
        int total = _context + Pending;
        int keep = Math.Min(_window - 1, total);
        Array.Copy(_buffer, (total - keep) * _width, next, 0, keep * _width);
        _buffer = next;
        _context = keep;
        Scored += Pending;
        Pending = 0;
    }

    /// <summary>Scores a batch from <see cref="Take"/> on one core, and keeps its buffer for a later batch.</summary>
    internal ScoreResult Score(ScoringBatch batch, double[] buffer)
    {
        ScoreResult result = _model.Score(buffer.AsSpan(0, batch.Total * _width), batch.Total, batch.Context, 1);
        result.RowNumbers = batch.RowNumbers;
        lock (_spareBuffers)
        {
            _spareBuffers.Push(buffer);
        }

        return result;
    }

    /// <summary>
    /// The window context a later stream needs to go on where this one stopped: the last WindowSize - 1 rows read
    /// (fewer when fewer were read), as the encoded values the network reads, row after row. Empty when the model
    /// reads rows alone. Call it between batches (nothing pending).
    /// </summary>
    public double[][] ExportContext()
    {
        if (Pending != 0)
        {
            throw new InvalidOperationException("Rows are pending; flush them first.");
        }

        var rows = new double[_context][];
        for (int r = 0; r < _context; r++)
        {
            rows[r] = _buffer.AsSpan(r * _width, _width).ToArray();
        }

        return rows;
    }

    /// <summary>
    /// Restores window context saved by <see cref="ExportContext"/> (of this model), so the next rows are scored as
    /// if they followed those rows in the same stream. Only the last WindowSize - 1 rows are kept.
    /// </summary>
    public void ImportContext(IReadOnlyList<double[]> rows)
    {
        if (Pending != 0 || Scored != 0)
        {
            throw new InvalidOperationException("Context can only be imported before the first row.");
        }

        foreach (double[] row in rows)
        {
            if (row is null || row.Length != _width)
            {
                throw new AnomalyDetectionException(
                    AnomalyErrorKind.InvalidArgument,
                    $"The saved window context has rows of {row?.Length ?? 0} values; the model reads {_width}.");
            }
        }

        int keep = Math.Min(_window - 1, rows.Count);
        for (int r = 0; r < keep; r++)
        {
            rows[rows.Count - keep + r].CopyTo(_buffer, r * _width);
        }

        _context = keep;
    }
}
