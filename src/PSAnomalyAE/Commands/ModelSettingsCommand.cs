using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>The model settings shared by New-AEModel, Invoke-AETraining and Find-AEHiddenSize (which tries several bottleneck sizes).</summary>
public abstract class ModelSettingsCommand : PSCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, 65536)]
    public int[]? HiddenSize { get; set; }

    [Parameter]
    public AEArchitecture Architecture { get; set; } = AEArchitecture.Dense;

    [Parameter]
    [ValidateRange(0.0, 1000.0)]
    public double SparsityWeight { get; set; } = 1e-3;

    [Parameter]
    [ValidateRange(0.0, 1000.0)]
    public double KLWeight { get; set; } = 1;

    [Parameter]
    [ValidateRange(1, 1000)]
    public int Samples { get; set; } = 1;

    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double NoiseLevel { get; set; } = 0.1;

    [Parameter]
    [ValidateRange(1e-6, 100000.0)]
    public double PcaComponents { get; set; }

    [Parameter]
    [ValidateRange(1, 100000)]
    public int WindowSize { get; set; } = 1;

    [Parameter]
    [ValidateRange(1, 100000)]
    public int Stride { get; set; } = 1;

    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(1, 4096)]
    public int[]? ImageShape { get; set; }

    [Parameter]
    public AEActivation Activation { get; set; } = AEActivation.ReLU;

    [Parameter]
    public AEScaling Scaling { get; set; } = AEScaling.ZScore;

    [Parameter]
    [ValidateRange(1, 1000000)]
    public int Epochs { get; set; } = 100;

    [Parameter]
    [ValidateRange(1, 1048576)]
    public int BatchSize { get; set; } = 64;

    [Parameter]
    [ValidateRange(1e-8, 10.0)]
    public double LearningRate { get; set; } = 1e-3;

    [Parameter]
    [ValidateRange(0.0, 0.9)]
    public double ValidationFraction { get; set; } = 0.2;

    [Parameter]
    [ValidateRange(0, 1000000)]
    public int Patience { get; set; } = 10;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Seed { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Property { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeProperty { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? CategoricalProperty { get; set; }
}
