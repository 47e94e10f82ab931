using System.Globalization;
using System.Management.Automation;
using PSAnomalyAE.Engine.Selection;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Find-AELatentSize (alias Find-AEHiddenSize, its former name): chooses the bottleneck size by k-fold cross-validation on the normal rows piped in, and
/// recommends the smallest size whose validation error is within one standard error of the best.
/// </summary>
[Cmdlet(VerbsCommon.Find, "AELatentSize", SupportsShouldProcess = true, DefaultParameterSetName = "Pipeline")]
[Alias("Find-AEHiddenSize")]
[OutputType(typeof(AELatentSizeCandidate), typeof(AEModel))]
public sealed class FindAELatentSizeCommand : TrainingCommand
{
    /// <summary>Candidate bottleneck sizes; default 1, 2, 3, 4, 6, 8, 12, 16, ... below the number of inputs.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, ModelLimits.MaxUnits)]
    public int[]? LatentSize { get; set; }

    /// <summary>The number of cross-validation folds.</summary>
    [Parameter]
    [ValidateRange(2, 50)]
    public int Folds { get; set; } = 5;

    /// <summary>Labelled rows (normal and anomalous) to measure each candidate's ROC-AUC on; needs -LabelProperty.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public PSObject[]? ValidationData { get; set; }

    /// <summary>The column of -ValidationData that says whether a row is an anomaly (1/0, true/false, yes/no, anomaly/normal).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LabelProperty { get; set; }

    /// <summary>Write a picture (.png or .svg) of the validation error against the bottleneck size.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PlotPath { get; set; }

    /// <summary>Return a model trained on all rows with the recommended size instead of the candidate table.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        if ((ValidationData is null) != (LabelProperty is null))
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("-ValidationData and -LabelProperty go together: labelled rows, and the column that holds their labels."),
                "ValidationDataNeedsLabel",
                ErrorCategory.InvalidArgument,
                null));
        }

        if (PlotPath is not null)
        {
            PlotOutput.Check(this, PlotPath);
        }

        Native.EnsureLoaded(this);
    }

    protected override void EndProcessing()
    {
        var spec = new ModelSpec();
        if (Prepare(spec) is not { } input || CrossValidate(spec, input) is not { } results)
        {
            return;
        }

        (FeatureEncoding encoding, double[] data, int count, int[] candidates, _) = input;
        AELatentSizeCandidate[] rows = results.Select(r => new AELatentSizeCandidate(r)).ToArray();
        if (PlotPath is not null && results.Count > 0 && !Cancel.IsCancellationRequested)
        {
            PlotOutput.Write(this, PlotPath, "Write cross-validation picture", path => LatentSizePlot.Save(path, results));
        }

        if (Cancel.IsCancellationRequested)
        {
            // Ctrl+C: say what finished; the pipeline is stopping, so this goes to the host directly.
            Host.UI.WriteLine($"Stopped; {rows.Length} of {candidates.Length} sizes finished: {string.Join(", ", rows.Select(r => r.ToString()))}");
            return;
        }

        if (!PassThru)
        {
            WriteObject(rows, enumerateCollection: true);
            return;
        }

        int best = results.Single(r => r.Recommended).LatentSize;
        foreach (AELatentSizeCandidate r in rows)
        {
            WriteInformation(r, new[] { "PSAnomalyAE", "CrossValidation" });
        }

        WriteVerbose($"Training on all {count} rows with the recommended bottleneck size {best}.");
        spec.LatentSize = best;
        var model = new AnomalyModel(spec);
        var progress = new Progress(this, 2, "Training with the recommended size");
        AEModel? result = TrainModel(model, spec, progress, null, FromStart(model, encoding, TrainingRows.Of(data, count, encoding.Width)), trained => new AEModel(trained));
        if (result is not null)
        {
            WriteObject(result);
        }
    }

    /// <summary>Encodes the rows piped in, the labelled rows of -ValidationData, and the candidate sizes; null when the command was stopped.</summary>
    private CrossValidationInput? Prepare(ModelSpec spec)
    {
        try
        {
            SpecParameters.Apply(spec, MyInvocation.BoundParameters);
            spec.Seed ??= Random.Shared.Next();
            (FeatureEncoding encoding, ITrainingRows rows) = EncodeRows(spec);
            int count = rows.Count;
            double[] data;
            if (rows is TrainingRows held)
            {
                data = held.ToArray(); // rows held as one array are taken as they are
            }
            else
            {
                data = new double[checked(count * encoding.Width)];
                rows.ForEachRow((i, row) => row.CopyTo(data.AsSpan(i * row.Length, row.Length)));
            }

            rows.Release();
            int[] candidates = (LatentSize ?? CrossValidation.DefaultLadder(encoding.Width)).Distinct().Order().ToArray();
            if (TrainingChecks.CopiesWhenWide(spec.Kind))
            {
                RequireNarrow(candidates, encoding.Width * spec.WindowSize);
            }

            LabelledData? labelled = ValidationData is not null ? Labelled(encoding) : null;
            return new CrossValidationInput(encoding, data, count, candidates, labelled);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, null));
            return null;
        }
    }

    /// <summary>Refuses, before any training, sizes a bottleneck cannot have: as wide as its inputs, it copies every row.</summary>
    private static void RequireNarrow(int[] candidates, int inputs)
    {
        int[] wide = candidates.Where(c => c >= inputs).ToArray();
        if (wide.Length > 0)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"The latent size{(wide.Length == 1 ? string.Empty : "s")} {string.Join(", ", wide)} {(wide.Length == 1 ? "is" : "are")} not smaller than the {inputs} inputs the network reads: a bottleneck that wide copies every row, normal or not, and detects nothing.")
            {
                RecommendedAction = $"Give -LatentSize values below {inputs}, or leave it out: the default tries 1, 2, 3, 4, 6, 8, ... below the number of inputs.",
            };
        }
    }

    /// <summary>Cross-validates the candidate sizes with a progress bar and a verbose line per fold; null when the command was stopped by an error.</summary>
    private IReadOnlyList<CandidateResult>? CrossValidate(ModelSpec spec, CrossValidationInput input)
    {
        WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"{Folds}-fold cross-validation of bottleneck sizes {string.Join(", ", input.Candidates)} on {input.Count} rows (seed {spec.Seed})."));
        var progress = new Progress(this, 1, "Cross-validating bottleneck sizes");
        int total = input.Candidates.Length * Folds, done = 0;
        try
        {
            return CrossValidation.Run(
                spec, input.Encoding, input.Data, input.Count, input.Candidates, Folds, input.Labelled, (s, l) => Roc.Curve(s, l).RocAuc,
                f =>
                {
                    done++;
                    string status = string.Create(CultureInfo.InvariantCulture, $"Size {f.LatentSize}, fold {f.Fold}/{Folds}: validation error {f.MeanError:G4}");
                    try
                    {
                        progress.Report(status, 100 * done / total, force: true);
                        WriteVerbose(status);
                    }
                    catch (PipelineStoppedException)
                    {
                        Cancel.Cancel();
                    }
                },
                Cancel.Token);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, null));
            return null;
        }
        finally
        {
            progress.Complete();
        }
    }

    private sealed record CrossValidationInput(FeatureEncoding Encoding, double[] Data, int Count, int[] Candidates, LabelledData? Labelled);

    private LabelledData Labelled(FeatureEncoding encoding)
    {
        var rows = new List<PSRow>();
        var labels = new List<bool>();
        for (int i = 0; i < ValidationData!.Length; i++)
        {
            if (PSRow.Create(ValidationData[i], i + 1, out ErrorRecord? error) is not { } row)
            {
                WriteError(error!);
                continue;
            }

            row.TryGetValue(LabelProperty!, out object? raw);
            if (ValueParser.ParseLabel(raw) is not { } label)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"Validation row {i + 1}: {LabelProperty} is {ValueParser.Describe(raw)}; expected {ValueParser.LabelValues}."),
                    "InvalidLabel",
                    ErrorCategory.InvalidData,
                    ValidationData[i]));
                continue;
            }

            rows.Add(row);
            labels.Add(label);
        }

        (double[] data, int count, List<int> kept) = RowTable.Encode(this, rows, encoding, MissingValue, "the column means of the validation rows");
        bool[] isAnomaly = kept.Select(k => labels[k]).ToArray();
        Roc.RequireBothClasses(isAnomaly); // before the cross-validation, not after it

        return new LabelledData(data, count, isAnomaly);
    }
}
