using System.Diagnostics;
using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>A throttled progress bar that is always completed.</summary>
internal sealed class Progress
{
    private readonly Cmdlet _cmdlet;
    private readonly ProgressRecord _record;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastMs = -1000;
    private bool _shown;

    internal Progress(Cmdlet cmdlet, int activityId, string activity)
    {
        _cmdlet = cmdlet;
        _record = new ProgressRecord(activityId, activity, "Starting");
    }

    internal void Report(string status, int percent = -1, bool force = false)
    {
        long now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastMs < 250)
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
