using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// The streaming part of Measure-AEReconstructionError and Test-AEAnomaly: rows are read as they arrive, scored by
/// the engine's <see cref="StreamingScorer"/> in batches of -BatchSize (one network call per batch, window context
/// carried between batches) and written out in input order.
/// </summary>
public abstract partial class ScoringCommand : PSCmdlet
{
    private readonly List<PSObject> _pending = new();
    private StreamingScorer _scorer = null!;
    private Progress? _progress;
    private long _rowNumber;
    private bool _schemaChecked;

    /// <summary>A row to score: an object whose properties include the model's feature columns.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
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
        _scorer = new StreamingScorer(Model.Engine, ScoringBatchSize(), EnumMap.Convert<MissingValuePolicy>(MissingValue));
        _progress = new Progress(this, 1, MyInvocation.MyCommand.Name);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != PipelineSet)
        {
            ScoreFiles();
            return;
        }

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

    /// <summary>Writes the result for row <paramref name="index"/> of a scored batch; <see cref="OutputRow"/> gives the object to write.</summary>
    private protected abstract void Emit(ScoreResult result, int index);

    /// <summary>
    /// The object to write for row <paramref name="index"/> of the batch being emitted, with every original column:
    /// a copy of the pipeline object (the caller's objects are left unchanged), or a new row read from the file.
    /// </summary>
    private protected PSObject OutputRow(int index) => _source is not null ? FileRow(index) : _pending[index].Copy();

    /// <summary>
    /// Sets a note property on an output row, replacing one of the same name in place. Pre-validated adds skip the
    /// name checks and two member look-ups per property (the costliest part of emitting a row); a note property of
    /// the same name is replaced where it stands, as before.
    /// </summary>
    private protected static void SetProperty(PSObject target, string name, object? value) =>
        target.Properties.Add(new PSNoteProperty(name, value), preValidated: true);

    private void Flush()
    {
        if (_scorer.Pending == 0 || Stopping)
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

        for (int i = 0; i < result.Rows; i++)
        {
            Emit(result, i);
        }

        _pending.Clear();
        _source?.ClearKept();
        _progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{_scorer.Scored:N0} rows scored"));
    }
}
