namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Decides when a stream's pending rows are scored, so that a live stream (rows arriving now and then, e.g. from
/// <c>Get-Content -Wait</c>) is answered at once while fast input still goes in large batches. A caller can only act
/// when a row arrives (or the stream ends): a row held for company is held until the next row comes, which may be
/// never (the feed stopped, the host died). So the policy is asked on each arrival, and says "score now" when
/// <list type="bullet">
/// <item>the stream is slow: fewer than <see cref="SlowRowsPerSecond"/> rows arrived in the last second, this one
/// included. Every row of such a stream is scored as it arrives, whatever follows it (nothing can wait for a
/// deadline); a row costs one small network call, which a stream this slow can afford;</item>
/// <item>the row came after a quiet gap of at least <see cref="FlushAfter"/>, or within <see cref="FlushAfter"/> after
/// such a gap (so every row of a burst, e.g. one row per host every five minutes, is answered at once rather than
/// waiting for the next burst), or</item>
/// <item>the oldest pending row has waited <see cref="FlushAfter"/> or longer (a trickle faster than
/// <see cref="SlowRowsPerSecond"/>: no row waits much more than <see cref="FlushAfter"/> plus the gap to the next row).</item>
/// </list>
/// Fast input (thousands of rows a second) leaves the slow rate within its first <see cref="SlowRowsPerSecond"/>
/// rows, and batches fill up as before. A zero <see cref="FlushAfter"/> scores every row at once. Times are the
/// caller's clock.
/// </summary>
public sealed class FlushPolicy
{
    /// <summary>The default wait: short enough for a person watching a stream, long enough that a batch per wait costs nothing measurable.</summary>
    public const int DefaultFlushAfterMilliseconds = 250;

    /// <summary>A stream with fewer rows than this in the last second is scored row by row, as each row arrives.</summary>
    public const int SlowRowsPerSecond = 256;

    private static readonly TimeSpan s_rateWindow = TimeSpan.FromSeconds(1);

    // The arrival times of the last SlowRowsPerSecond rows, oldest at _next once the ring is full.
    private readonly TimeSpan[] _arrivals = new TimeSpan[SlowRowsPerSecond];
    private int _next;
    private bool _ringFull;
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
        bool slow = IsSlow(now);
        if (now - _lastArrival >= FlushAfter)
        {
            _liveUntil = now + FlushAfter;
        }

        _lastArrival = now;
        if (pending <= 1)
        {
            _oldestPending = now;
        }

        return slow || FlushAfter == TimeSpan.Zero || now < _liveUntil || now - _oldestPending >= FlushAfter;
    }

    /// <summary>Records an arrival; true when fewer than <see cref="SlowRowsPerSecond"/> rows (this one included) arrived in the last second.</summary>
    private bool IsSlow(TimeSpan now)
    {
        // Once the ring is full, _arrivals[_next] is the arrival SlowRowsPerSecond rows before this one.
        bool slow = !_ringFull || now - _arrivals[_next] >= s_rateWindow;
        _arrivals[_next] = now;
        _next = (_next + 1) % SlowRowsPerSecond;
        _ringFull |= _next == 0;
        return slow;
    }
}
