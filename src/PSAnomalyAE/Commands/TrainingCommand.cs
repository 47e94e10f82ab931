using System.Management.Automation;
using PSAnomalyAE.Engine;
using PSAnomalyAE.Internal;

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

        FeatureEncoding encoding = FeatureSchema.Plan(_rows, spec.Property, spec.ExcludeProperty, spec.CategoricalProperty, WriteVerbose);
        WriteVerbose($"Features ({encoding.Columns.Length}): {string.Join(", ", encoding.Columns)}");
        if (encoding.HasCategorical)
        {
            WriteVerbose($"Network inputs ({encoding.Width}): {string.Join(", ", encoding.Names)}");
        }

        (double[] data, int count, _) = RowTable.Encode(this, _rows, encoding, MissingValue, null, "the column means of the training rows");
        _rows.Clear();
        return (encoding, data, count);
    }
}
