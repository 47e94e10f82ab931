using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// The streaming part of Measure-AEReconstructionError and Test-AEAnomaly: rows are read as they arrive, scored by
/// the engine's <see cref="StreamingScorer"/> in batches of -BatchSize (one network call per batch, window context
/// carried between batches) and written out in input order.
/// </summary>
public abstract partial class ScoringCommand : PSCmdlet, IDisposable
{
    private readonly List<PSObject> _pending = new();
    private readonly RowProblemGate<ErrorRecord> _nonFinite = new();
    private StreamingScorer _scorer = null!;
    private Progress? _progress;
    private long _rowNumber;
    private readonly RowShapes _shapes = new();
    private bool _schemaChecked;
    private bool _nativeReady;
    private bool _viewChosen;
    private TimeOrder? _timeOrder;
    private FlushPolicy _flushPolicy = null!;
    private readonly Stopwatch _clock = new();
    private string? _statePath;
    private ScoringState? _state;
    private string? _fingerprint;
    private Detector? _detector;
    private long _written;
    private long _rowsScored;

    /// <summary>The ErrorId of a row whose score is not a finite number.</summary>
    private const string NonFiniteScoreId = "NonFiniteScore";

    /// <summary>A row to score: an object whose properties include the model's feature columns.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>A trained model; several with -ModelNameProperty, each scoring the rows that name it (ScoringCommand.Fleet.cs).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    [AEModelTransformation]
    public AEModel[] Model { get; set; } = null!;

    /// <summary>The model that scores the rows: -Model's only one.</summary>
    private protected AEModel ScoringModel { get; private set; } = null!;

    /// <summary>Rows per network call.</summary>
    [Parameter]
    [ValidateRange(1, ModelLimits.MaxBatchSize)]
    public int BatchSize { get; set; } = ModelDefaults.ScoringBatchSize;

    /// <summary>What to do with rows that have missing values: Error (default), Skip or Impute (the training mean).</summary>
    [Parameter]
    public AEMissingValue MissingValue { get; set; } = AEMissingValue.Error;

    /// <summary>
    /// The longest a row of a fast stream waits for others to fill a batch: a slow stream (fewer than 256 rows a
    /// second, such as Get-Content -Wait) is scored row by row as rows arrive, a row that comes after a quiet gap this
    /// long is scored at once, and pending rows are scored once the oldest has waited this long and another row
    /// arrives. Fast input still goes in full batches. 0 scores every row at once.
    /// </summary>
    [Parameter]
    [Alias("FlushAfter")]
    [ValidateRange(0, 3600000)]
    public int FlushAfterMilliseconds { get; set; } = FlushPolicy.DefaultFlushAfterMilliseconds;

    /// <summary>
    /// A file that carries the stream's scoring state from one run to the next (a scheduled job): for a windowed
    /// model the last WindowSize - 1 rows, and the run of rows past the threshold for -MinConsecutive. Read before
    /// the first row (a missing file starts a new stream) and replaced atomically at the end; it belongs to one model.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    private protected string[] Features { get; private set; } = Array.Empty<string>();

    /// <summary>The detector of Test-AEAnomaly, whose run of rows past the threshold a -StatePath file carries.</summary>
    private protected Detector? StreamDetector
    {
        get => _detector;
        set
        {
            _detector = value;
            if (value is not null && _state is not null)
            {
                value.ContinueRun(_state.Run);
            }
        }
    }

    protected override void BeginProcessing()
    {
        if (BeginFleet())
        {
            return;
        }

        ScoringModel = Model[0];
        if (!ScoringModel.IsTrained)
        {
            ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), ScoringModel));
        }

        if (NeedsNetworkAtBegin)
        {
            EnsureNativeReady();
        }

        Features = ScoringModel.FeatureNames;
        _scorer = new StreamingScorer(ScoringModel.Engine, ScoringBatchSize(), EnumMap.Convert<MissingValuePolicy>(MissingValue));
        _progress = new Progress(this, 1, MyInvocation.MyCommand.Name);
        _timeOrder = ScoringModel.WindowSize > 1 && ScoringModel.Engine.Spec.TimestampProperty is not null ? new TimeOrder() : null;
        _clock.Start();
        _flushPolicy = new FlushPolicy(TimeSpan.FromMilliseconds(FlushAfterMilliseconds), _clock.Elapsed);
        if (StatePath is not null)
        {
            LoadState();
        }

        try
        {
            _scorer.Adaptive = CreateAdaptation(_state?.Adaptation);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "InvalidAdaptation", ErrorCategory.InvalidArgument, _statePath ?? (object)ScoringModel) { ErrorDetails = Details(ex) });
        }

        if (_state is not null)
        {
            ApplyState();
        }
    }

    /// <summary>
    /// Whether libtorch must be loaded before the first row is read: to scan a file (its batches are scored on worker
    /// threads as they are read) or to read a state file (its fingerprint reads the weights). Otherwise the first batch
    /// scored waits for it, so a load that Import-AEModel started goes on while the first rows are read and bound.
    /// </summary>
    private protected virtual bool NeedsNetworkAtBegin => ParameterSetName != PipelineSet || StatePath is not null;

    /// <summary>
    /// Called with the first row to be scored from the pipeline, before it is scored (and so while a libtorch that
    /// Import-AEModel started loading may still be loading): a command can set up its output's view from it.
    /// </summary>
    private protected virtual void ChooseView(PSObject firstRow)
    {
    }

    /// <summary>Loads libtorch once for this command, or stops it with the native-runtime error.</summary>
    private void EnsureNativeReady()
    {
        if (!_nativeReady)
        {
            Native.EnsureLoaded(this);
            _nativeReady = true;
        }
    }

    /// <summary>
    /// The adapting stream the rows go through (Test-AEAnomaly -Adapt), given what an earlier run of the stream saved;
    /// null when the model scores every row as trained.
    /// </summary>
    private protected virtual AdaptiveStream? CreateAdaptation(AdaptationState? saved) => null;

    /// <summary>The adapting stream, when there is one: it owns the learning copy of the model.</summary>
    private protected AdaptiveStream? Adaptive => _scorer.Adaptive;

    private void LoadState()
    {
        _statePath = FileSystemPaths.ForWrite(this, StatePath!);
        TargetFiles.CheckOutput(this, _statePath); // a state file that cannot be written is found before any row is scored
        try
        {
            _fingerprint = ScoringState.FingerprintOf(ScoringModel.Engine);
            _state = ScoringState.Load(_statePath);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "InvalidScoringState", ErrorCategory.InvalidData, _statePath) { ErrorDetails = Details(ex) });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Errors.Io(ex, "ScoringStateReadFailed", ErrorCategory.ReadError, _statePath));
        }

        try
        {
            _state?.RequireModel(ScoringModel.Engine, _fingerprint!);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ScoringStateOfAnotherModel", ErrorCategory.InvalidArgument, _statePath) { ErrorDetails = Details(ex) });
        }
    }

    private void ApplyState()
    {
        try
        {
            _state!.ApplyTo(ScoringModel.Engine, _fingerprint!, _scorer, null);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ScoringStateOfAnotherModel", ErrorCategory.InvalidArgument, _statePath) { ErrorDetails = Details(ex) });
        }
    }

    private void SaveState()
    {
        try
        {
            ScoringState.Capture(ScoringModel.Engine, _scorer, _detector, _state, _fingerprint).Save(_statePath!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(Errors.Io(ex, "ScoringStateWriteFailed", ErrorCategory.WriteError, _statePath!));
        }
    }

    private static ErrorDetails? Details(AnomalyDetectionException ex) =>
        ex.RecommendedAction is null ? null : new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction };

    protected override void ProcessRecord()
    {
        if (RouteToFleet())
        {
            return;
        }

        if (ParameterSetName != PipelineSet)
        {
            ScoreFiles();
            return;
        }

        _rowNumber++;
        if (PSRow.Create(InputObject, _rowNumber, _shapes, out ErrorRecord? error) is not { } row)
        {
            WriteError(error!);
            return;
        }

        row.NumberFormat = NumberFormat;

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

        if (_timeOrder is not null && row.TryGetValue(ScoringModel.Engine.Spec.TimestampProperty!, out object? time)
            && _timeOrder.Add(time, _rowNumber, ScoringModel.Engine.Spec.TimestampProperty!) is { } outOfOrder)
        {
            WriteWarning(outOfOrder);
        }

        switch (_scorer.Add(row, _rowNumber, out AnomalyDetectionException? problem))
        {
            case RowStatus.Invalid:
                ReportUnreadable(Errors.From(problem!, InputObject));
                return;
            case RowStatus.Skipped:
                return;
        }

        RowReadable();
        _pending.Add(row.Object);
        if (!_viewChosen)
        {
            _viewChosen = true;
            ChooseView(row.Object);
        }

        if (_flushPolicy.RowArrived(_clock.Elapsed, _scorer.Pending) | _scorer.IsFull)
        {
            Flush();
        }
    }

    protected override void EndProcessing()
    {
        if (EndFleet())
        {
            return;
        }

        try
        {
            RowReadable(); // fewer bad first rows than make a mistake systematic, and no good row: each is reported
            Flush();
            if (_nonFinite.NothingPassed)
            {
                ThrowNonFinite();
            }

            if (_statePath is not null && !Stopping)
            {
                SaveState();
            }
        }
        finally
        {
            _progress?.Complete();
        }

        if (_scorer.Encoder.Summary("the training means") is { } warning)
        {
            WriteWarning(warning);
        }

        WriteSummary();
    }

    /// <summary>Releases the learning copy of an adapting stream, also when the pipeline stopped early.</summary>
    public void Dispose()
    {
        _scorer?.Adaptive?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes one output row and counts it, so an error that stops the command can say how much was written.</summary>
    private protected void WriteRow(PSObject row)
    {
        WriteObject(row);
        _written++;
    }

    private ErrorRecord ScoringFailed(Exception ex)
    {
        string where = _source is not null
            ? string.Create(CultureInfo.InvariantCulture, $" in '{_source.Path}' (rows up to {_source.RowNumber:N0} read)")
            : string.Create(CultureInfo.InvariantCulture, $" (rows up to {_rowNumber:N0} read)");
        string cause = ex.Message.Split('\n')[0].Trim().TrimEnd('.');
        string message = string.Create(
            CultureInfo.InvariantCulture,
            $"Scoring stopped{where}: {cause}. {_written:N0} rows had been written and {_rowsScored:N0} scored before it; the output is incomplete.");
        var wrapped = new InvalidOperationException(message, ex);
        return new ErrorRecord(wrapped, "ScoringFailed", ErrorCategory.OperationStopped, _source?.Path ?? (object)ScoringModel)
        {
            ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = (ex as AnomalyDetectionException)?.RecommendedAction
                    ?? "Run the command again; treat what was written so far as incomplete. If it fails again at the same place, report the error with the model and the rows around it.",
            },
        };
    }

    /// <summary>
    /// Reports a row whose score is not a finite number: an error for that row, never a row with no score yet or a
    /// normal one. When the first rows scored all fail this way (the model, not the rows), one error stops the command.
    /// </summary>
    private void ReportNonFinite(AnomalyDetectionException ex, int index)
    {
        var record = new ErrorRecord(ex, NonFiniteScoreId, ErrorCategory.InvalidResult, _source?.Path ?? (object)_pending[index])
        {
            ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction },
        };
        if (!_nonFinite.Hold(record))
        {
            WriteError(record);
        }
        else if (_nonFinite.IsSystematic)
        {
            ThrowNonFinite();
        }
    }

    private void ThrowNonFinite()
    {
        ErrorRecord first = _nonFinite.Held[0];
        string rows = _nonFinite.Held.Count == 1 ? "the only row" : $"each of the first {_nonFinite.Held.Count} rows";
        string message = $"The model produced a score that is not a finite number for {rows} it scored, so scoring stopped: the model is likely damaged (a scaler or weights that overflow), or the input is far outside the data it was trained on. {first.Exception.Message}";
        var ex = new AnomalyDetectionException(AnomalyErrorKind.InvalidRow, message, first.Exception);
        ThrowTerminatingError(new ErrorRecord(ex, NonFiniteScoreId, ErrorCategory.InvalidResult, ScoringModel)
        {
            ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = "Check the model (Get-AEModelInfo) and import or train it again; check that the input's columns and units match the training data.",
            },
        });
    }

    /// <summary>Writes the result for row <paramref name="index"/> of a scored batch; <see cref="OutputRow"/> gives the object to write.</summary>
    private protected abstract void Emit(ScoreResult result, int index);

    /// <summary>
    /// The object to write for row <paramref name="index"/> of the batch being emitted, with every original column:
    /// a copy of the pipeline object (the caller's objects are left unchanged), or a new row read from the file.
    /// </summary>
    private protected PSObject OutputRow(int index) => _source is not null ? FileRow(index) : ScoredRowView.OutputFor(_pending[index], OwnMembers.Copy);

    /// <summary>
    /// Sets a note property on an output row, replacing one of the same name where it stands. Pre-validated adds skip
    /// the name checks and two member look-ups per property (the costliest part of emitting a row); see
    /// <see cref="OwnMembers.AddNote"/>.
    /// </summary>
    private protected static void SetProperty(PSObject target, string name, object? value) => OwnMembers.AddNote(target, name, value);

    private void Flush()
    {
        if (_scorer.Pending == 0 || Stopping)
        {
            return;
        }

        if (ScoreOrStop(_scorer.Flush) is { } result)
        {
            EmitBatch(result);
            _pending.Clear();
            _source?.ClearKept();
        }
    }

    /// <summary>
    /// The result of <paramref name="score"/>: a batch's scores. A failure ends the command: with the engine's error
    /// when no batch had been scored yet (the model, not the rows), otherwise saying how much had been written.
    /// </summary>
    private ScoreResult? ScoreOrStop(Func<ScoreResult?> score)
    {
        EnsureNativeReady();
        try
        {
            ScoreResult? result = score();
            _rowsScored += result?.Rows ?? 0;
            return result;
        }
        catch (AnomalyDetectionException ex) when (_rowsScored == 0)
        {
            ThrowTerminatingError(Errors.From(ex, ScoringModel));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            // A failure inside the engine (libtorch reports its own errors as exceptions) ends the command, never only
            // the batch, and says how much had been written: with -AnomaliesOnly | Export-Csv, output that stops early
            // must not look complete.
            ThrowTerminatingError(ScoringFailed(ex));
        }

        return null;
    }

    /// <summary>Writes a scored batch's rows in order (and the errors of rows whose score is not a finite number).</summary>
    private void EmitBatch(ScoreResult result)
    {
        for (int i = 0; i < result.Rows; i++)
        {
            if (result.NonFiniteScore(i) is { } nonFinite)
            {
                ReportNonFinite(nonFinite, i);
                continue;
            }

            if (result.HasScore(i))
            {
                foreach (ErrorRecord held in _nonFinite.Pass())
                {
                    WriteError(held);
                }
            }

            Emit(result, i);
        }

        _progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{_rowsScored:N0} rows scored"));
    }
}
