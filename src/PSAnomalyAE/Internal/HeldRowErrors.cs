using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The errors of rows piped in, through a <see cref="RowProblemGate{T}"/>: held back until a good row arrives, then
/// written one by one; when the first rows all fail, one terminating error says what was expected of the whole input.
/// </summary>
internal sealed class HeldRowErrors
{
    private readonly RowProblemGate<(ErrorRecord Record, string Systematic)> _gate = new();

    /// <summary>Reports a bad row, with what to say of the whole input if every row so far failed like it.</summary>
    internal void Report(Cmdlet cmdlet, (ErrorRecord Record, string Systematic) problem)
    {
        if (!_gate.Hold(problem))
        {
            cmdlet.WriteError(problem.Record);
        }
        else if (_gate.IsSystematic)
        {
            ThrowSystematic(cmdlet);
        }
    }

    /// <summary>Records a good row: the errors held back are written now.</summary>
    internal void Passed(Cmdlet cmdlet)
    {
        foreach ((ErrorRecord record, _) in _gate.Pass())
        {
            cmdlet.WriteError(record);
        }
    }

    /// <summary>At the end of input: stops the command when rows failed and none was good.</summary>
    internal void ThrowIfNothingPassed(Cmdlet cmdlet)
    {
        if (_gate.NothingPassed)
        {
            ThrowSystematic(cmdlet);
        }
    }

    private void ThrowSystematic(Cmdlet cmdlet)
    {
        (ErrorRecord first, string why) = _gate.Held[0];
        string count = _gate.Held.Count == 1 ? "The only row" : $"The first {_gate.Held.Count} rows";
        var ex = new ArgumentException($"{count} given could not be used, so nothing else was read. {why}", first.Exception);
        cmdlet.ThrowTerminatingError(new ErrorRecord(ex, first.FullyQualifiedErrorId, ErrorCategory.InvalidArgument, first.TargetObject));
    }
}
