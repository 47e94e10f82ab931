using System.Diagnostics;
using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>
/// A throttled progress bar that is always completed once shown. Work that ends within <see cref="IntervalMs"/> of
/// starting shows none (unless a report is forced): a bar drawn and cleared for a one-row score cost more than the
/// score, and flashes for nothing.
/// </summary>
internal sealed class Progress
{
    private const long IntervalMs = 250;

    private readonly Cmdlet _cmdlet;
    private readonly ProgressRecord _record;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastMs;
    private bool _shown;

    internal Progress(Cmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _record = new ProgressRecord(activityId, activity, "Starting");
    }

    internal void Report(string status, int percent = -1, bool force = false)
    {
        long now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastMs < IntervalMs)
        {
            return;
        }

        _lastMs = now;
        _record.StatusDescription = status;
        _record.PercentComplete = Math.Clamp(percent, -1, 100);
        _record.RecordType = ProgressRecordType.Processing;
        _cmdlet.WriteProgress(_record);
        _shown = true;
    }

    internal void Complete()
    {
        if (!_shown)
        {
            return;
        }

        _record.RecordType = ProgressRecordType.Completed;
        _record.PercentComplete = 100;
        try
        {
            _cmdlet.WriteProgress(_record);
        }
        catch (PipelineStoppedException)
        {
            // The pipeline is being stopped; PowerShell clears its progress display itself.
        }

        _shown = false;
    }
}
