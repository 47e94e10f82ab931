using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// What Invoke-AETraining and Find-AEHiddenSize share: they collect the normal rows piped in, choose and encode the
/// feature columns at the end, and stop at the next batch on Ctrl+C.
/// </summary>
public abstract class TrainingCommand : ModelSettingsCommand, IDisposable
{
    private readonly List<PSRow> _rows = new();
    private long _rowNumber;

    /// <summary>A row of normal data: an object whose properties are the columns.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>What to do with rows that have missing values: Error (default), Skip or Impute (the column mean).</summary>
    [Parameter]
    public AEMissingValue MissingValue { get; set; } = AEMissingValue.Error;

    /// <summary>Sort the rows by this column (dates or numbers) before training, for models that read windows of consecutive rows.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimestampProperty { get; set; }

    private protected CancellationTokenSource Cancel { get; } = new();

    protected override void ProcessRecord()
    {
        _rowNumber++;
        if (PSRow.Create(InputObject, _rowNumber, out ErrorRecord? error) is { } row)
        {
            _rows.Add(row);
        }
        else
        {
            WriteError(error!);
        }
    }

    protected override void StopProcessing() => Cancel.Cancel();

    public void Dispose()
    {
        Cancel.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Chooses the feature columns of the collected rows and encodes them; bad rows are reported and left out.
    /// The buffered objects are released afterwards.
    /// </summary>
    private protected (FeatureEncoding Encoding, double[] Data, int Count) EncodeRows(ModelSpec spec)
    {
        if (_rows.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "No rows were given to train on.")
            {
                RecommendedAction = "Pipe rows of normal data in, for example: Import-Csv normal.csv | Invoke-AETraining",
            };
        }

        if (TimestampProperty is not null)
        {
            SortByTimestamp();
            spec.ExcludeProperty = (spec.ExcludeProperty ?? Array.Empty<string>()).Append(TimestampProperty).ToArray();
        }

        FeatureEncoding encoding = FeatureSchema.Plan(_rows, spec.Property, spec.ExcludeProperty, spec.CategoricalProperty, WriteVerbose);
        WriteVerbose($"Features ({encoding.Columns.Length}): {string.Join(", ", encoding.Columns)}");
        if (encoding.HasCategorical)
        {
            WriteVerbose($"Network inputs ({encoding.Width}): {string.Join(", ", encoding.Names)}");
        }

        (double[] data, int count, _) = RowTable.Encode(this, _rows, encoding, MissingValue, "the column means of the training rows");
        _rows.Clear();
        return (encoding, data, count);
    }

    private void SortByTimestamp()
    {
        var keyed = new List<(double Key, PSRow Row)>();
        foreach (PSRow row in _rows)
        {
            row.TryGetValue(TimestampProperty!, out object? value);
            double? key = value switch
            {
                DateTime d => d.ToUniversalTime().Ticks,
                DateTimeOffset o => o.UtcTicks,
                _ when ValueParser.Parse(value, out double n) == ValueKind.Number => n,
                _ when DateTimeOffset.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t) => t.UtcTicks,
                _ => null,
            };
            if (key is null)
            {
                WriteError(Errors.From(
                    new AnomalyDetectionException(AnomalyErrorKind.InvalidRow, $"Row {row.Number}: column '{TimestampProperty}' is {ValueParser.Describe(value)}, which is neither a date nor a number. The row was skipped.")
                    {
                        RowNumber = row.Number,
                        Column = TimestampProperty,
                    },
                    row.Object));
                continue;
            }

            keyed.Add((key.Value, row));
        }

        _rows.Clear();
        _rows.AddRange(keyed.OrderBy(k => k.Key).Select(k => k.Row));
    }
}
