using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>Invoke-AETraining: trains an autoencoder on the normal rows piped in and returns the trained model.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AETraining", SupportsShouldProcess = true)]
[OutputType(typeof(AEModel))]
public sealed class InvokeAETrainingCommand : TrainingCommand
{
    /// <summary>Bottleneck size; overrides the model's.</summary>
    [Parameter]
    [ValidateRange(1, ModelLimits.MaxUnits)]
    public int LatentSize { get; set; }

    /// <summary>The model to train; a default model is created when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNull]
    [AEModelTransformation]
    public AEModel? Model { get; set; }

    /// <summary>Continue training the trained -Model on the rows piped in (a warm start), keeping its features, scaler and weights.</summary>
    [Parameter]
    public SwitchParameter Continue { get; set; }

    /// <summary>Write a picture (.png or .svg) of the training and validation loss per epoch.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PlotPath { get; set; }

    /// <summary>Names the trained model (for example after the host it watches); replaces the name -Model had.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Describes the trained model; replaces the description -Model had.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Description { get; set; }

    protected override void BeginProcessing()
    {
        if (PlotPath is not null)
        {
            // A wrong file name is reported before training, not after it.
            try
            {
                TrainingHistoryPlot.CheckPath(FileSystemPaths.ForWrite(this, PlotPath));
            }
            catch (AnomalyDetectionException ex)
            {
                ThrowTerminatingError(Errors.From(ex, PlotPath));
            }
        }

        Native.EnsureLoaded(this);
    }

    protected override void EndProcessing()
    {
        ModelSpec spec = Model?.Engine.Spec.Clone() ?? new ModelSpec();
        AnomalyModel engine;
        FeatureEncoding encoding;
        double[] data;
        int count;
        try
        {
            SpecParameters.Apply(spec, MyInvocation.BoundParameters);
            if (Continue)
            {
                if (Model is not { IsTrained: true })
                {
                    throw new AnomalyDetectionException(AnomalyErrorKind.NotTrained, "-Continue needs a trained model in -Model to continue training.")
                    {
                        RecommendedAction = "Train it first (without -Continue), or import one: Import-AEModel model.aemodel",
                    };
                }

                encoding = Model.Engine.Encoding!;
                (data, count) = EncodeRows(encoding);
            }
            else
            {
                (encoding, data, count) = EncodeRows(spec);
            }

            engine = new AnomalyModel(spec) { Name = Name ?? Model?.Name, Description = Description ?? Model?.Description };
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, Model));
            return;
        }

        var progress = new Progress(this, 1, "Training autoencoder");
        bool keptThreshold = false;
        try
        {
            if (Continue)
            {
                keptThreshold = engine.ContinueTraining(Model!.Engine, data, count, e => ReportEpoch(progress, spec, e), Cancel.Token);
            }
            else
            {
                engine.Train(encoding, data, count, e => ReportEpoch(progress, spec, e), Cancel.Token);
            }
        }
        catch (OperationCanceledException)
        {
            engine.Dispose();
            return;
        }
        catch (AnomalyDetectionException ex)
        {
            engine.Dispose();
            ThrowTerminatingError(Errors.From(ex, Model));
        }
        finally
        {
            progress.Complete();
        }

        // Swap the trained network in before writing anything: after Ctrl+C every write throws.
        AEModel result = Model ?? new AEModel(engine);
        result.Replace(engine);
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

        if (engine.Spec.Score == ScoreMethod.ReconstructionAndDistance && engine.Neighbours is null)
        {
            WriteWarning(t.ValidationRows == 0
                ? "The model scores rows by their reconstruction error alone: the distance part of the default score is scaled on held-out rows, and -ValidationFraction 0 leaves none. Keep a share of the rows for validation (the default is 0.2) to score by both."
                : "The model scores rows by their reconstruction error alone: the held-out rows lie exactly on the training rows or are reconstructed exactly, so the distance part of the default score has nothing to be scaled by.");
        }

        if (PlotPath is not null && !Cancel.IsCancellationRequested)
        {
            PlotOutput.Write(this, PlotPath, "Write training-history picture", path => TrainingHistoryPlot.Save(path, engine.History, t.BestEpoch));
        }

        WriteObject(result);
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
}
