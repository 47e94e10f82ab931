using System.Globalization;

namespace PSAnomalyAE.Commands;

/// <summary>
/// What -Verbose says at the end of a scoring command: the rows read, scored and (Test-AEAnomaly) flagged, the rows
/// that were not scored, and how long it took; and the warning for a CSV file with a header and no rows.
/// </summary>
public abstract partial class ScoringCommand
{
    private long _fileRows;

    /// <summary>Rows flagged as anomalies so far; null for a command that does not flag rows.</summary>
    private protected virtual long? Flagged => null;

    private void WriteSummary()
    {
        long read = _rowNumber + _fileRows;
        long scored = _scorer.Scored;
        double seconds = _clock.Elapsed.TotalSeconds;
        string flagged = Flagged is { } f ? string.Create(CultureInfo.InvariantCulture, $", {f:N0} flagged as anomalies") : string.Empty;
        string left = read > scored
            ? string.Create(CultureInfo.InvariantCulture, $"; {read - scored:N0} not scored (errors, skipped or missing values)")
            : string.Empty;
        WriteVerbose(string.Create(
            CultureInfo.InvariantCulture,
            $"{read:N0} rows read, {scored:N0} scored{flagged}, {_written:N0} written{left}, in {seconds:0.00} s ({(seconds > 0 ? scored / seconds : 0):N0} rows/s){(string.IsNullOrEmpty(ScoringModel.Name) ? string.Empty : $" with model '{ScoringModel.Name}'")}."));
    }

    /// <summary>Counts the rows read from a file; a file with its header and no rows is said so, not passed over in silence.</summary>
    private void FileRead(string file, long rows)
    {
        _fileRows += rows;
        if (rows == 0)
        {
            WriteWarning($"'{file}' has a header and no rows: nothing was scored from it.");
        }
    }
}
