using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// What Invoke-AETraining and Find-AEHiddenSize share: they collect the normal rows piped in, choose and encode the
/// feature columns at the end, and stop at the next batch on Ctrl+C.
/// </summary>
public abstract partial class TrainingCommand : ModelSettingsCommand, IDisposable
{
    private readonly List<PSRow> _rows = new();
    private readonly RowProblemGate<ErrorRecord> _gate = new();
    private long _rowNumber;
    private readonly RowShapes _shapes = new();
    private ColumnSurvey? _survey; // the numbers read while choosing the columns, so the rows are not read twice

    /// <summary>A row of normal data: an object whose properties are the columns.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>What to do with rows that have missing values: Error (default), Skip or Impute (the column mean).</summary>
    [Parameter]
    public AEMissingValue MissingValue { get; set; } = AEMissingValue.Error;

    /// <summary>Sort the rows by this column (dates or numbers) before training, for models that read windows of consecutive rows.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string? TimestampProperty { get; set; }

    /// <summary>The words messages use for the lists of column names: this command's parameters.</summary>
    private static readonly ColumnListNames s_columnLists = new("-" + nameof(Property), "-" + nameof(ExcludeProperty), "-" + nameof(CategoricalProperty));

    private protected CancellationTokenSource Cancel { get; } = new();

    protected override void ProcessRecord()
    {
        if (FromFile)
        {
            return;
        }

        _rowNumber++;
        if (PSRow.Create(InputObject, _rowNumber, _shapes, out ErrorRecord? error) is { } row)
        {
            row.NumberFormat = CultureNumbers.FormatOf(Culture);
            _rows.Add(row);
            foreach (ErrorRecord held in _gate.Pass())
            {
                WriteError(held);
            }
        }
        else if (!_gate.Hold(error!))
        {
            WriteError(error!);
        }
        else if (_gate.IsSystematic)
        {
            ThrowNotRows();
        }
    }

    /// <summary>The first rows were all plain values or $null: one error says what is expected, not one per row.</summary>
    private void ThrowNotRows()
    {
        ErrorRecord first = _gate.Held[0];
        object? value = first.TargetObject is PSObject p ? p.BaseObject : first.TargetObject;
        string what = value is null ? "$null" : $"{value.GetType().Name} values such as {ValueParser.Describe(value)}";
        string hint = value is string ? " Lines of text need parsing first: Import-Csv file.csv, or Get-Content file.csv | ConvertFrom-Csv." : string.Empty;
        var ex = new ArgumentException(
            $"{MyInvocation.MyCommand.Name} was given {what}, not rows ({(_gate.Held.Count == 1 ? "the only input" : $"the first {_gate.Held.Count} inputs")}). Expected objects with one property per column, such as the rows of Import-Csv, a [pscustomobject] or a hashtable.{hint}");
        ThrowTerminatingError(new ErrorRecord(ex, "InputNotARow", ErrorCategory.InvalidType, first.TargetObject));
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
    private protected (FeatureEncoding Encoding, ITrainingRows Rows) EncodeRows(ModelSpec spec)
    {
        if (!FromFile)
        {
            RequireRows("Import-Csv normal.csv | Invoke-AETraining");
        }

        if (TimestampProperty is not null)
        {
            spec.TimestampProperty = TimestampProperty;
            spec.ExcludeProperty = (spec.ExcludeProperty ?? Array.Empty<string>()).Append(TimestampProperty).ToArray();
        }

        if (FromFile)
        {
            return ReadFile(spec, ReportFeatures);
        }

        FeatureEncoding encoding = FeatureSchema.Plan(_rows, spec.Property, spec.ExcludeProperty, spec.CategoricalProperty, WriteVerbose, WriteWarning, s_columnLists, out _survey);
        ReportFeatures(encoding);
        (double[] data, int count) = EncodeWith(encoding);
        return (encoding, TrainingRows.Of(data, count, encoding.Width));
    }

    /// <summary>The features chosen, as verbose.</summary>
    private void ReportFeatures(FeatureEncoding encoding)
    {
        WriteVerbose($"Features ({encoding.Columns.Length}): {string.Join(", ", encoding.Columns)}");
        if (encoding.HasCategorical)
        {
            WriteVerbose($"Network inputs ({encoding.Width}): {string.Join(", ", encoding.Names)}");
        }
    }

    /// <summary>
    /// Encodes the collected rows with a trained model's <paramref name="encoding"/> (continued training): rows
    /// missing one of its columns stop the command with one error listing them. The buffered objects are released.
    /// </summary>
    private protected ITrainingRows EncodeRows(FeatureEncoding encoding)
    {
        if (FromFile)
        {
            RequireFileColumns(encoding);
            return EncodeFile(encoding);
        }

        RequireRows("Import-Csv new-normal.csv | Invoke-AETraining -Model $model -Continue");
        FeatureSchema.RequireColumns(_rows[0], encoding.Columns);
        (double[] data, int count) = EncodeWith(encoding);
        return TrainingRows.Of(data, count, encoding.Width);
    }

    /// <summary>
    /// Stops when no rows were collected (<paramref name="example"/> shows how to pipe them in), then sorts them by
    /// -TimestampProperty when it is given.
    /// </summary>
    private void RequireRows(string example)
    {
        if (_gate.NothingPassed)
        {
            ThrowNotRows();
        }

        if (_rows.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "No rows were given to train on.")
            {
                RecommendedAction = "Pipe rows of normal data in, for example: " + example,
            };
        }

        if (TimestampProperty is not null)
        {
            SortByTimestamp();
        }
    }

    /// <summary>
    /// Trains <paramref name="engine"/> by calling <paramref name="train"/> with the per-epoch report (progress on
    /// <paramref name="progress"/>, each epoch also written as verbose); Ctrl+C stops at the next batch and keeps the
    /// best epoch. <paramref name="wrap"/> then gives the model to output, before anything is written (after Ctrl+C
    /// every write throws), and the training is summed up as verbose, with warnings about what the user should know.
    /// Returns null when training stopped before an epoch finished; errors stop the command, aimed at
    /// <paramref name="errorTarget"/>. <paramref name="train"/> returns whether a threshold chosen before was kept.
    /// </summary>
    private protected AEModel? TrainModel(AnomalyModel engine, ModelSpec spec, Progress progress, object? errorTarget, Func<Action<EpochRecord>, bool> train, Func<AnomalyModel, AEModel> wrap)
    {
        bool keptThreshold = false;
        try
        {
            keptThreshold = train(e => ReportEpoch(progress, spec, e));
        }
        catch (OperationCanceledException)
        {
            engine.Dispose();
            return null;
        }
        catch (AnomalyDetectionException ex)
        {
            engine.Dispose();
            ThrowTerminatingError(Errors.From(ex, errorTarget));
        }
        catch (Exception ex) when (FromFile && ex is IOException or UnauthorizedAccessException)
        {
            // A large file is read again while training prepares its samples.
            engine.Dispose();
            ThrowTerminatingError(FileReadFailed(ex));
        }
        finally
        {
            progress.Complete();
        }

        AEModel result = wrap(engine);
        ReportTraining(engine, keptThreshold);
        return result;
    }

    /// <summary>Training from scratch on <paramref name="rows"/>, for <see cref="TrainModel"/>: there is no earlier threshold to keep.</summary>
    private protected Func<Action<EpochRecord>, bool> FromStart(AnomalyModel engine, FeatureEncoding encoding, ITrainingRows rows) => report =>
    {
        engine.Train(encoding, rows, report, Cancel.Token);
        return false;
    };

    /// <summary>Sums up the training as verbose, and warns about a kept threshold and a score without its distance part.</summary>
    private void ReportTraining(AnomalyModel engine, bool keptThreshold)
    {
        TrainingSummary t = engine.Training!;
        WriteVerbose(string.Create(
            CultureInfo.InvariantCulture,
            $"Trained on {t.TrainRows} rows ({t.ValidationRows} held out for validation) in {t.Seconds:0.0} s: {t.EpochsRun} epochs, best epoch {t.BestEpoch} (loss {t.BestLoss:G4}), seed {t.Seed}, {t.Threads} threads."));
        if (keptThreshold)
        {
            WriteWarning(string.Create(CultureInfo.InvariantCulture, $"The model keeps its threshold {engine.Threshold!.Value:G6}, chosen for the network before this training; choose it again: $validation | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Model $model"));
        }
        else if (engine.Threshold is { } th)
        {
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Provisional threshold {th.Value:G6}: {ModelDefaults.TrainingThresholdPercentile}th percentile of the {th.SampleCount} validation rows. Find-AEThreshold -Model sets another."));
        }

        if (engine.ScoreChoice is { } choice)
        {
            WriteVerbose("Score: " + choice.Summary());
        }

        if (engine.Spec.Scoring != ScoreMethod.Reconstruction && ScoreTerms.IsPlain(engine.ScoreTerms))
        {
            WriteWarning(t.ValidationRows == 0
                ? "The model scores rows by their reconstruction error alone: the distance part of the default score is scaled on held-out rows, and -ValidationFraction 0 leaves none. Keep a share of the rows for validation (the default is 0.2) to score by both."
                : "The model scores rows by their reconstruction error alone: the held-out rows lie exactly on the training rows or are reconstructed exactly, so the distance part of the default score has nothing to be scaled by.");
        }
    }

    private void ReportEpoch(Progress progress, ModelSpec spec, EpochRecord e)
    {
        string val = e.ValidationLoss is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
        string status = string.Create(CultureInfo.InvariantCulture, $"Epoch {e.Epoch}/{spec.Epochs}: train loss {e.TrainLoss:G4}, validation loss {val}{(e.IsBest ? " (best)" : string.Empty)}");
        try
        {
            progress.Report(status, (int)(100L * e.Epoch / spec.Epochs), force: e.Epoch == 1);
            WriteVerbose(status);
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C arrived while reporting: finish the epoch loop normally so the best weights are kept.
            Cancel.Cancel();
        }
    }

    private (double[] Data, int Count) EncodeWith(FeatureEncoding encoding)
    {
        RequireSomeReadableRow(encoding);
        (double[] data, int count, _) = RowTable.Encode(this, _rows, encoding, MissingValue, "the column means of the training rows", _survey);
        _rows.Clear();
        _survey = null;
        return (data, count);
    }

    /// <summary>
    /// When the first rows all fail to read (a text column named by -Property, say), stops with one error that
    /// quotes the first problem instead of one error per row.
    /// </summary>
    private void RequireSomeReadableRow(FeatureEncoding encoding)
    {
        var probe = new RowEncoder(encoding, EnumMap.Convert<MissingValuePolicy>(MissingValue), means: null);
        var buffer = new double[encoding.Width];
        var gate = new RowProblemGate<AnomalyDetectionException>();
        for (int i = 0; i < _rows.Count && !gate.IsSystematic; i++)
        {
            if (probe.Read(_rows[i], _rows[i].Number, buffer, out AnomalyDetectionException? problem) != RowStatus.Invalid)
            {
                return;
            }

            gate.Hold(problem!);
        }

        throw RowEncoder.NothingTrained(gate.Held);
    }

    private void SortByTimestamp()
    {
        var keyed = new List<(double Key, PSRow Row)>();
        foreach (PSRow row in _rows)
        {
            row.TryGetValue(TimestampProperty!, out object? value);
            double? key = TimeOrder.Key(value);
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
