using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>Invoke-AETraining: trains an autoencoder on the normal rows piped in and returns the trained model.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AETraining", SupportsShouldProcess = true, DefaultParameterSetName = "Pipeline")]
[OutputType(typeof(AEModel))]
public sealed partial class InvokeAETrainingCommand : TrainingCommand
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
        if (BeginGroups())
        {
            return;
        }

        if (PlotPath is not null)
        {
            PlotOutput.Check(this, PlotPath); // a wrong path is reported before training, not after it
        }

        Native.EnsureLoaded(this);
    }

    protected override void EndProcessing()
    {
        if (EndGroups())
        {
            return;
        }

        ModelSpec spec = Model?.Engine.Spec.Clone() ?? new ModelSpec();
        AnomalyModel engine;
        FeatureEncoding encoding;
        ITrainingRows rows;
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
                rows = EncodeRows(encoding);
            }
            else
            {
                (encoding, rows) = EncodeRows(spec);
            }

            engine = new AnomalyModel(spec) { Name = Name ?? Model?.Name, Description = Description ?? Model?.Description };
        }
        catch (AnomalyDetectionException ex)
        {
            ThrowTerminatingError(Errors.From(ex, Model));
            return;
        }

        Func<Action<EpochRecord>, bool> train = Continue
            ? report => engine.ContinueTraining(Model!.Engine, rows, report, Cancel.Token)
            : FromStart(engine, encoding, rows);
        var progress = new Progress(this, 1, "Training autoencoder");
        AEModel? result = TrainModel(
            engine,
            spec,
            progress,
            Model,
            train,
            trained =>
            {
                // Swap the trained network in before writing anything: after Ctrl+C every write throws.
                AEModel swapped = Model ?? new AEModel(trained);
                swapped.Replace(trained);
                return swapped;
            });
        if (result is null)
        {
            return;
        }

        if (PlotPath is not null && !Cancel.IsCancellationRequested)
        {
            PlotOutput.Write(this, PlotPath, "Write training-history picture", path => TrainingHistoryPlot.Save(path, engine.History, engine.Training!.BestEpoch));
        }

        WriteObject(result);
    }
}
