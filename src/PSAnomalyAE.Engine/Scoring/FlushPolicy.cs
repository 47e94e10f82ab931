namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Decides when a stream's pending rows are scored, so that a live stream (rows arriving now and then, e.g. from
/// <c>Get-Content -Wait</c>) is answered at once while fast input still goes in large batches. A caller can only act
/// when a row arrives (or the stream ends), so the policy is asked on each arrival. It says "score now" when
/// <list type="bullet">
/// <item>the row came after a quiet gap of at least <see cref="FlushAfter"/>, or within <see cref="FlushAfter"/> after
/// such a gap (so every row of a burst, e.g. one row per host every five minutes, is answered at once rather than
/// waiting for the next burst), or</item>
/// <item>the oldest pending row has waited <see cref="FlushAfter"/> or longer (a steady trickle: no row waits much
/// more than <see cref="FlushAfter"/> plus the gap to the next row).</item>
/// </list>
/// Input faster than that never triggers it, and batches fill up as before. Times are the caller's clock.
/// </summary>
public sealed class FlushPolicy
{
    /// <summary>The default wait: short enough for a person watching a stream, long enough that a batch per wait costs nothing measurable.</summary>
    public const int DefaultFlushAfterMilliseconds = 250;

    private TimeSpan _lastArrival;
    private TimeSpan _liveUntil;
    private TimeSpan _oldestPending;

    /// <param name="flushAfter">The gap that makes a stream live, and the longest a pending row waits for company (zero: score every row at once).</param>
    /// <param name="start">When the stream started; a first row that comes this long after it is scored at once.</param>
    public FlushPolicy(TimeSpan flushAfter, TimeSpan start)
    {
        if (flushAfter < TimeSpan.Zero)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The flush delay cannot be negative.");
        }

        FlushAfter = flushAfter;
        _lastArrival = start;
        _liveUntil = start;
    }

    public TimeSpan FlushAfter { get; }

    /// <summary>A row was added at <paramref name="now"/>, making <paramref name="pending"/> rows pending: true to score them now.</summary>
    public bool RowArrived(TimeSpan now, int pending)
    {
        if (now - _lastArrival >= FlushAfter)
        {
            _liveUntil = now + FlushAfter;
        }

        _lastArrival = now;
        if (pending <= 1)
        {
            _oldestPending = now;
        }

        return now < _liveUntil || now - _oldestPending >= FlushAfter;
    }
}
