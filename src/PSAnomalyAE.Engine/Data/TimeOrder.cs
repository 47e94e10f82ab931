using System.Globalization;

namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Reads timestamps (dates, date strings in the invariant culture, or numbers) as sortable keys, and watches a
/// stream of rows for the first one that goes back in time: a model that reads windows of consecutive rows would
/// score such rows with windows that never happened.
/// </summary>
public sealed class TimeOrder
{
    private double? _last;
    private object? _lastValue;
    private long _lastRow;

    /// <summary>A sortable key for a timestamp value (UTC ticks for dates), or null when it is neither a date nor a number.</summary>
    public static double? Key(object? value) => value switch
    {
        DateTime d => d.ToUniversalTime().Ticks,
        DateTimeOffset o => o.UtcTicks,
        _ when ValueParser.Parse(value, out double n) == ValueKind.Number => n,
        _ when DateTimeOffset.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t) => t.UtcTicks,
        _ => null,
    };

    /// <summary>Rows seen so far that were earlier than the row before them.</summary>
    public long Backwards { get; private set; }

    /// <summary>
    /// Records the timestamp of row <paramref name="rowNumber"/> of column <paramref name="column"/>. Returns a
    /// message for the first row that is earlier than the row before it; null otherwise (also for values that are
    /// not timestamps, which are left to other checks).
    /// </summary>
    public string? Add(object? value, long rowNumber, string column)
    {
        if (Key(value) is not { } key)
        {
            return null;
        }

        string? message = null;
        if (_last is { } last && key < last)
        {
            if (++Backwards == 1)
            {
                message = $"Row {rowNumber}: {column} {ValueParser.Describe(value)} is earlier than row {_lastRow}'s {ValueParser.Describe(_lastValue)}. "
                    + "The model reads windows of consecutive rows in pipeline order, so rows out of time order are scored with windows that never happened. "
                    + $"Sort them first, for example: ... | Sort-Object {{ [datetime]$_.{column} }} | Test-AEAnomaly";
            }
        }

        (_last, _lastValue, _lastRow) = (key, value, rowNumber);
        return message;
    }
}
