namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Rows read by a <see cref="StreamingScorer"/> and handed over to be scored apart from the stream
/// (<see cref="StreamingScorer.Take"/>): scored once, on whichever thread calls <see cref="Score"/>, on one core.
/// </summary>
public sealed class ScoringBatch
{
    private readonly StreamingScorer _scorer;
    private double[]? _buffer;

    internal ScoringBatch(StreamingScorer scorer, double[] buffer, int total, int context, long[] rowNumbers)
    {
        _scorer = scorer;
        _buffer = buffer;
        Total = total;
        Context = context;
        RowNumbers = rowNumbers;
    }

    /// <summary>Rows to score (the context rows before them are not).</summary>
    public int Rows => RowNumbers.Length;

    /// <summary>The numbers the rows were added with.</summary>
    public long[] RowNumbers { get; }

    internal int Total { get; }

    internal int Context { get; }

    /// <summary>The batch's scores, as <see cref="StreamingScorer.Flush"/> gives them; a batch is scored once.</summary>
    public ScoreResult Score()
    {
        double[] buffer = Interlocked.Exchange(ref _buffer, null) ?? throw new InvalidOperationException("The batch was scored already.");
        return _scorer.Score(this, buffer);
    }
}
