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
    private readonly int _activityId;
    private readonly string _activity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastMs;
    private string _status = "Starting";
    private bool _shown;

    internal Progress(Cmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _activityId = activityId;
        _activity = activity;
    }

    internal void Report(string status, int percent = -1, bool force = false)
    {
        long now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastMs < IntervalMs)
        {
            return;
        }

        _lastMs = now;
        _status = status;
        // A new record each time: hosts that keep the records written (a job's, a hosted runspace's) keep each as written.
        _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, status) { PercentComplete = Math.Clamp(percent, -1, 100) });
        _shown = true;
    }

    internal void Complete()
    {
        if (!_shown)
        {
            return;
        }

        try
        {
            _cmdlet.WriteProgress(new ProgressRecord(_activityId, _activity, _status) { PercentComplete = 100, RecordType = ProgressRecordType.Completed });
        }
        catch (PipelineStoppedException)
        {
            // The pipeline is being stopped; PowerShell clears its progress display itself.
        }

        _shown = false;
    }
}
