using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// The streaming part of Measure-AEReconstructionError and Test-AEAnomaly: rows are read as they arrive, scored by
/// the engine's <see cref="StreamingScorer"/> in batches of -BatchSize (one network call per batch, window context
/// carried between batches) and written out in input order.
/// </summary>
public abstract class ScoringCommand : PSCmdlet
{
    private readonly List<PSObject> _pending = new();
    private StreamingScorer _scorer = null!;
    private Progress? _progress;
    private long _rowNumber;
    private bool _schemaChecked;
    private TimeOrder? _timeOrder;

    /// <summary>A row to score: an object whose properties include the model's feature columns.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>A trained model.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public AEModel Model { get; set; } = null!;

    /// <summary>Rows per network call.</summary>
    [Parameter]
    [ValidateRange(1, ModelLimits.MaxBatchSize)]
    public int BatchSize { get; set; } = ModelDefaults.ScoringBatchSize;

    /// <summary>What to do with rows that have missing values: Error (default), Skip or Impute (the training mean).</summary>
    [Parameter]
    public AEMissingValue MissingValue { get; set; } = AEMissingValue.Error;

    private protected string[] Features { get; private set; } = Array.Empty<string>();

    protected override void BeginProcessing()
    {
        if (!Model.IsTrained)
        {
            ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), Model));
        }

        Native.EnsureLoaded(this);
        Features = Model.FeatureNames;
        _scorer = new StreamingScorer(Model.Engine, BatchSize, EnumMap.Convert<MissingValuePolicy>(MissingValue));
        _progress = new Progress(this, 1, MyInvocation.MyCommand.Name);
        _timeOrder = Model.WindowSize > 1 && Model.Engine.Spec.TimestampProperty is not null ? new TimeOrder() : null;
    }

    protected override void ProcessRecord()
    {
        _rowNumber++;
        if (PSRow.Create(InputObject, _rowNumber, out ErrorRecord? error) is not { } row)
        {
            WriteError(error!);
            return;
        }

        if (!_schemaChecked)
        {
            try
            {
                FeatureSchema.RequireColumns(row, Features);
            }
            catch (AnomalyDetectionException ex)
            {
                ThrowTerminatingError(Errors.From(ex, InputObject));
            }

            _schemaChecked = true;
        }

        if (_timeOrder is not null && row.TryGetValue(Model.Engine.Spec.TimestampProperty!, out object? time)
            && _timeOrder.Add(time, _rowNumber, Model.Engine.Spec.TimestampProperty!) is { } outOfOrder)
        {
            WriteWarning(outOfOrder);
        }

        switch (_scorer.Add(row, _rowNumber, out AnomalyDetectionException? problem))
        {
            case RowStatus.Invalid:
                WriteError(Errors.From(problem!, InputObject));
                return;
            case RowStatus.Skipped:
                return;
        }

        _pending.Add(row.Object);
        if (_scorer.IsFull)
        {
            Flush();
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            Flush();
        }
        finally
        {
            _progress?.Complete();
        }

        if (_scorer.Encoder.Summary("the training means") is { } warning)
        {
            WriteWarning(warning);
        }
    }

    /// <summary>Writes the result for one row of a scored batch.</summary>
    private protected abstract void Emit(PSObject row, ScoreResult result, int index);

    /// <summary>Sets a note property on an output row, replacing one of the same name.</summary>
    private protected static void SetProperty(PSObject target, string name, object? value)
    {
        if (target.Properties[name] is PSNoteProperty existing)
        {
            existing.Value = value;
            return;
        }

        if (target.Properties[name] is not null)
        {
            target.Properties.Remove(name);
        }

        target.Properties.Add(new PSNoteProperty(name, value));
    }

    /// <summary>A copy of the input row to add results to; the caller's objects are left unchanged.</summary>
    private protected static PSObject CopyOf(PSObject row) => row.Copy();

    private void Flush()
    {
        if (_pending.Count == 0 || Stopping)
        {
            return;
        }

        ScoreResult result;
        try
        {
            result = _scorer.Flush()!;
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, Model));
            return;
        }

        for (int i = 0; i < _pending.Count; i++)
        {
            Emit(_pending[i], result, i);
        }

        _pending.Clear();
        _progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{_scorer.Scored:N0} rows scored"));
    }
}
