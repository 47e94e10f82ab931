namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Scores batches on several cores at once while the caller reads the next rows, and gives their results back in
/// the order the batches were added. Each batch is scored on one core (one libtorch intra-op thread), so its scores
/// are those of the same batch scored alone, to the last bit. At most <see cref="Workers"/> batches are scored at
/// once and one more is waited for, so memory stays flat however long the input: a caller that adds a batch and
/// then takes what <see cref="TryNext"/> gives back reads at most that far ahead.
/// </summary>
/// <typeparam name="T">What the caller keeps with each batch (the text of its rows, say) until its result comes back.</typeparam>
public sealed class ScoringPipeline<T> : IDisposable
{
    private readonly Queue<(Task<ScoreResult> Scoring, T Tag)> _queue = new();

    /// <param name="workers">Batches scored at once: the cores to use (at least 1).</param>
    public ScoringPipeline(int workers)
    {
        Workers = Math.Max(1, workers);
    }

    /// <summary>The number of batches scored at once: the machine's cores, by default.</summary>
    public static int DefaultWorkers => Environment.ProcessorCount;

    public int Workers { get; }

    /// <summary>Batches added whose results have not been taken.</summary>
    public int Pending => _queue.Count;

    /// <summary>Starts scoring <paramref name="batch"/> on a worker thread.</summary>
    public void Add(ScoringBatch batch, T tag)
    {
        _queue.Enqueue((Task.Run(batch.Score), tag));
    }

    /// <summary>
    /// The oldest batch's result, waited for, when more than <see cref="Workers"/> batches are pending (or, with
    /// <paramref name="all"/>, when any is: the end of the input); false otherwise. A batch that failed throws its
    /// exception here, in its turn.
    /// </summary>
    public bool TryNext(bool all, out ScoreResult? result, out T? tag)
    {
        if (_queue.Count == 0 || (!all && _queue.Count <= Workers))
        {
            result = null;
            tag = default;
            return false;
        }

        (Task<ScoreResult> scoring, tag) = _queue.Dequeue();
        result = scoring.GetAwaiter().GetResult();
        return true;
    }

    /// <summary>Waits for the batches still being scored (their results are dropped), so none outlives the caller's model or buffers.</summary>
    public void Dispose()
    {
        while (_queue.Count > 0)
        {
            try
            {
                _queue.Dequeue().Scoring.Wait();
            }
            catch (AggregateException)
            {
                // A result nobody takes; its error was not the one that ended the scan.
            }
        }
    }
}
