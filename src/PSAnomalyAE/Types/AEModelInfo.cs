using System.Globalization;

namespace PSAnomalyAE;

/// <summary>What a model file holds, read by Get-AEModelInfo from its header without loading the network.</summary>
public sealed class AEModelInfo
{
    internal AEModelInfo(ModelFileInfo info)
    {
        Name = info.Name;
        Path = info.Path;
        Architecture = EnumMap.Convert<AEArchitecture>(info.Kind);
        FeatureNames = info.Features;
        CategoricalProperty = info.CategoricalFeatures;
        HiddenSize = info.HiddenSize;
        LatentSize = info.LatentSize;
        WindowSize = info.WindowSize;
        PcaComponentCount = info.PcaComponents;
        Scaling = EnumMap.Convert<AEScaling>(info.Scaling);
        Scoring = EnumMap.Convert<AEScoring>(info.Scoring);
        ScoringChoice = info.ScoreChoice is { } c ? new AEScoringChoice(c) : null;
        Threshold = info.Threshold?.Value;
        ThresholdMethod = info.Threshold is { } t
            ? (t.SampleCount == 0 ? $"{t.Method} ({t.Source})" : string.Create(CultureInfo.InvariantCulture, $"{t.Method} {t.Parameter} of {t.SampleCount} rows ({t.Source})"))
            : null;
        TrainedAt = info.Training?.TrainedAtUtc;
        TrainingRows = info.Training?.TrainRows ?? 0;
        ValidationRows = info.Training?.ValidationRows ?? 0;
        EpochsRun = info.HistoryEpochs;
        BestLoss = info.Training?.BestLoss;
        Seed = info.Training?.Seed;
        ParameterCount = info.ParameterCount;
        FormatVersion = info.FormatVersion;
        CreatedBy = info.CreatedBy;
        Size = info.Size;
        ChecksumVerified = info.ChecksumVerified;
    }

    /// <summary>The model's name, or the file name without its extension when it has none.</summary>
    public string Name { get; }

    public string Path { get; }

    public AEArchitecture Architecture { get; }

    public string[] FeatureNames { get; }

    public int FeatureCount => FeatureNames.Length;

    public string[] CategoricalProperty { get; }

    public int[] HiddenSize { get; }

    public int LatentSize { get; }

    public int WindowSize { get; }

    public int? PcaComponentCount { get; }

    public AEScaling Scaling { get; }

    /// <summary>What the model's scores are made of.</summary>
    public AEScoring Scoring { get; }

    /// <summary>How the score was chosen, with every candidate's figures; empty for a model trained with a fixed -Scoring.</summary>
    public AEScoringChoice? ScoringChoice { get; }

    public double? Threshold { get; }

    public string? ThresholdMethod { get; }

    public DateTime? TrainedAt { get; }

    public int TrainingRows { get; }

    public int ValidationRows { get; }

    /// <summary>Epochs in the training history, across continued training.</summary>
    public int EpochsRun { get; }

    public double? BestLoss { get; }

    public int? Seed { get; }

    public long ParameterCount { get; }

    public int FormatVersion { get; }

    /// <summary>The module version that wrote the file.</summary>
    public string? CreatedBy { get; }

    /// <summary>The file's size in bytes.</summary>
    public long Size { get; }

    /// <summary>True when the file's checksum was verified; false with -SkipChecksum.</summary>
    public bool ChecksumVerified { get; }

    public override string ToString() => $"{Name} ({Architecture}, {FeatureCount} features)";
}
