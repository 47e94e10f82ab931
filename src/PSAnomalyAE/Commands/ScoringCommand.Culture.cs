using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// -Culture, and the rows that cannot be read: when the first rows all fail (a comma-decimal file read with the
/// invariant culture, say), one error stops the command instead of one error per row.
/// </summary>
public abstract partial class ScoringCommand
{
    private readonly RowProblemGate<ErrorRecord> _unreadable = new();

    /// <summary>
    /// The culture the input's numbers are written in, such as de-DE for "12,5" (as Import-Csv -UseCulture reads
    /// the delimiter). By default the invariant culture: '.' for decimals.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public CultureInfo? Culture { get; set; }

    private protected NumberFormatInfo? NumberFormat => CultureNumbers.FormatOf(Culture);

    /// <summary>Reports a row that could not be read; the first rows' errors wait for a good row, and when they all fail, one error stops the command.</summary>
    private void ReportUnreadable(ErrorRecord record)
    {
        if (!_unreadable.Hold(record))
        {
            WriteError(record);
        }
        else if (_unreadable.IsSystematic)
        {
            ErrorRecord first = _unreadable.Held[0];
            string message = $"The first {_unreadable.Held.Count} rows could not be read, so scoring stopped: the same mistake is likely on every row. {first.Exception.Message}";
            var ex = new AnomalyDetectionException(AnomalyErrorKind.InvalidRow, message, first.Exception);
            ThrowTerminatingError(new ErrorRecord(ex, first.FullyQualifiedErrorId.Split(',')[0], ErrorCategory.InvalidData, first.TargetObject)
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = first.ErrorDetails?.RecommendedAction
                        ?? $"Check the columns the model reads ({string.Join(", ", Features)}) and the values in them.",
                },
            });
        }
    }

    /// <summary>A row was read: the errors of the bad rows before it are written now, in order.</summary>
    private void RowReadable()
    {
        foreach (ErrorRecord held in _unreadable.Pass())
        {
            WriteError(held);
        }
    }
}
