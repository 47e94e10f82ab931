using System.Management.Automation;

// Defaults and ranges come from the engine (ModelDefaults, ModelLimits): the one place they are written.

namespace PSAnomalyAE.Commands;

/// <summary>The model settings shared by New-AEModel, Invoke-AETraining and Find-AELatentSize (which tries several bottleneck sizes).</summary>
public abstract class ModelSettingsCommand : PSCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, ModelLimits.MaxUnits)]
    public int[]? HiddenSize { get; set; }

    [Parameter]
    public AEArchitecture Architecture { get; set; } = EnumMap.Convert<AEArchitecture>(ModelDefaults.Kind);

    [Parameter]
    [ValidateRange(0.0, ModelLimits.MaxPenaltyWeight)]
    public double SparsityWeight { get; set; } = ModelDefaults.SparsityWeight;

    [Parameter]
    [ValidateRange(0.0, ModelLimits.MaxPenaltyWeight)]
    public double KLWeight { get; set; } = ModelDefaults.KLWeight;

    [Parameter]
    [ValidateRange(1, ModelLimits.MaxSamples)]
    public int Samples { get; set; } = ModelDefaults.Samples;

    [Parameter]
    [ValidateRange(0.0, ModelLimits.MaxNoiseLevel)]
    public double NoiseLevel { get; set; } = ModelDefaults.NoiseLevel;

    [Parameter]
    [ValidateRange(ModelLimits.MinPcaComponents, ModelLimits.MaxPcaComponents)]
    public double PcaComponents { get; set; }

    [Parameter]
    [ValidateRange(1, ModelLimits.MaxWindowSize)]
    public int WindowSize { get; set; } = ModelDefaults.WindowSize;

    [Parameter]
    [ValidateRange(1, ModelLimits.MaxWindowSize)]
    public int Stride { get; set; } = ModelDefaults.Stride;

    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(1, ModelLimits.MaxImageSide)]
    public int[]? ImageShape { get; set; }

    [Parameter]
    public AEActivation Activation { get; set; } = EnumMap.Convert<AEActivation>(ModelDefaults.Activation);

    [Parameter]
    public AEScaling Scaling { get; set; } = EnumMap.Convert<AEScaling>(ModelDefaults.Scaling);

    [Parameter]
    public AEScoring Scoring { get; set; } = EnumMap.Convert<AEScoring>(ModelDefaults.Scoring);

    [Parameter]
    [ValidateRange(1, ModelLimits.MaxEpochs)]
    public int Epochs { get; set; } = ModelDefaults.Epochs;

    [Parameter]
    [ValidateRange(1, ModelLimits.MaxBatchSize)]
    public int BatchSize { get; set; } = ModelDefaults.BatchSize;

    [Parameter]
    [ValidateRange(ModelLimits.MinLearningRate, ModelLimits.MaxLearningRate)]
    public double LearningRate { get; set; } = ModelDefaults.LearningRate;

    [Parameter]
    [ValidateRange(0.0, ModelLimits.MaxValidationFraction)]
    public double ValidationFraction { get; set; } = ModelDefaults.ValidationFraction;

    [Parameter]
    [ValidateRange(0, ModelLimits.MaxPatience)]
    public int Patience { get; set; } = ModelDefaults.Patience;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Seed { get; set; }

    [Parameter]
    [ValidateRange(1, ModelLimits.MaxThreadCount)]
    public int ThreadCount { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string[]? Property { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string[]? ExcludeProperty { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string[]? CategoricalProperty { get; set; }
}
