using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>Invoke-AETraining: trains an autoencoder on the normal rows piped in and returns the trained model.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AETraining")]
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

    protected override void BeginProcessing() => Native.EnsureLoaded(this);

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
            (encoding, data, count) = EncodeRows(spec);
            engine = new AnomalyModel(spec);
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, Model));
            return;
        }

        var progress = new Progress(this, 1, "Training autoencoder");
        try
        {
            engine.Train(encoding, data, count, e => ReportEpoch(progress, spec, e), Cancel.Token);
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
        if (engine.Threshold is { } th)
        {
            WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Provisional threshold {th.Value:G6}: 99th percentile of the {th.SampleCount} validation rows. Find-AEThreshold -Model sets another."));
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
