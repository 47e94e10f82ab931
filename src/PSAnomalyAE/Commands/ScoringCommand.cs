using System.Globalization;
using System.Management.Automation;
using PSAnomalyAE.Engine;
using PSAnomalyAE.Internal;

namespace PSAnomalyAE.Commands;

/// <summary>
/// The streaming part of Measure-AEReconstructionError and Test-AEAnomaly: rows are read as they arrive, scored
/// in batches of -BatchSize (one network call per batch) and written out in input order. For a model that reads
/// windows of rows, the last WindowSize - 1 rows of each batch stay as context for the next, so streamed results
/// equal whole-file results.
/// </summary>
public abstract class ScoringCommand : PSCmdlet
{
    private readonly List<PSObject> _pending = new();
    private double[] _buffer = Array.Empty<double>();
    private Progress? _progress;
    private long _rowNumber;
    private long _scored;
    private int _incompleteRows;
    private int _imputed;
    private FeatureEncoding _encoding = null!;
    private int _window = 1;
    private int _context;
    private bool _schemaChecked;

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
    [ValidateRange(1, 1048576)]
    public int BatchSize { get; set; } = 2048;

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
        _encoding = Model.Engine.Encoding!;
        _window = Model.Engine.Architecture!.WindowSize;
        _buffer = new double[(BatchSize + _window - 1) * _encoding.Width];
        _progress = new Progress(this, 1, MyInvocation.MyCommand.Name);
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

        int width = _encoding.Width;
        Span<double> slot = _buffer.AsSpan((_context + _pending.Count) * width, width);
        AnomalyDetectionException? problem = _encoding.TryRead(row, _rowNumber, slot, (MissingValuePolicy)(int)MissingValue, out int missing);
        if (problem is not null)
        {
            WriteError(Errors.From(problem, InputObject));
            return;
        }

        if (missing > 0)
        {
            _incompleteRows++;
            if (MissingValue == AEMissingValue.Skip)
            {
                return;
            }

            _imputed += FeatureSchema.Impute(slot, Model.Engine.FeatureMeans);
        }

        _pending.Add(row.Object);
        if (_pending.Count == BatchSize)
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

        if (_incompleteRows > 0)
        {
            WriteWarning(MissingValue == AEMissingValue.Skip
                ? $"Skipped {_incompleteRows} row(s) with missing values."
                : $"Imputed {_imputed} missing value(s) in {_incompleteRows} row(s) with the training means.");
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
            result = Model.Engine.Score(_buffer.AsSpan(0, (_context + _pending.Count) * _encoding.Width), _context + _pending.Count, _context);
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

        // Keep the last WindowSize - 1 rows as the next batch's context.
        int total = _context + _pending.Count;
        int keep = Math.Min(_window - 1, total);
        int width = _encoding.Width;
        Array.Copy(_buffer, (total - keep) * width, _buffer, 0, keep * width);
        _context = keep;
        _scored += _pending.Count;
        _pending.Clear();
        _progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{_scored:N0} rows scored"));
    }
}
