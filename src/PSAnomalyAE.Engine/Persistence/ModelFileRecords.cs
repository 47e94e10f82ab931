using System.Text.Json.Serialization;

namespace PSAnomalyAE.Engine.Persistence;

// The JSON header of a model file, format version 1, written out as records of its own. Every property name is
// fixed here with JsonPropertyName, so renaming a domain type or property never changes the format; a change to
// these records is a change of format (and of ModelFile.FormatVersion). Enum values are written by name.
// ModelFileMapper maps them to and from the domain types. tests/.../Fixtures/golden holds files in this format.

internal sealed class ModelRecord
{
    [JsonPropertyName("Format")] public string? Format { get; set; }
    [JsonPropertyName("Version")] public int Version { get; set; }
    [JsonPropertyName("CreatedBy")] public string? CreatedBy { get; set; }
    [JsonPropertyName("TorchSharp")] public string? TorchSharp { get; set; }
    [JsonPropertyName("Spec")] public SpecRecord? Spec { get; set; }
    [JsonPropertyName("Features")] public string[]? Features { get; set; }
    [JsonPropertyName("Categories")] public string[]?[]? Categories { get; set; }
    [JsonPropertyName("Architecture")] public NetworkRecord? Network { get; set; }
    [JsonPropertyName("Scaling")] public ScalingRecord? Scaling { get; set; }
    [JsonPropertyName("Pca")] public PcaRecord? Pca { get; set; }
    [JsonPropertyName("History")] public List<EpochEntry>? History { get; set; }
    [JsonPropertyName("Training")] public TrainingRecord? Training { get; set; }
    [JsonPropertyName("Threshold")] public ThresholdRecord? Threshold { get; set; }
    [JsonPropertyName("ValidationErrors")] public double[]? ValidationErrors { get; set; }
    [JsonPropertyName("FeatureMeans")] public double[]? FeatureMeans { get; set; }
    [JsonPropertyName("Tensors")] public List<TensorEntry>? Tensors { get; set; }

    // Optional, added within format 1: omitted when null, so files without them load, and older readers skip them.
    [JsonPropertyName("Name")] public string? Name { get; set; }
    [JsonPropertyName("Description")] public string? Description { get; set; }

    // Added in format 2: the distance part of the score. Its reference sample is the tensor it names, in the weight
    // block with the network's tensors. A file with it is written as version 2, so older readers refuse it instead of
    // scoring with half of the score.
    [JsonPropertyName("Neighbours")] public NeighboursRecord? Neighbours { get; set; }

    // Added in format 3: every part of the score, as one list (ScoreTermFile). A file with it is written as version 3.
    [JsonPropertyName("ScoreTerms")] public List<ScoreTermRecord>? ScoreTerms { get; set; }
}

/// <summary>The distance part of the score in format 2 (read only: format 3 keeps it in ScoreTerms).</summary>
internal sealed record NeighboursRecord(
    [property: JsonPropertyName("Tensor")] string Tensor,
    [property: JsonPropertyName("K")] int K,
    [property: JsonPropertyName("ErrorMedian")] double ErrorMedian,
    [property: JsonPropertyName("DistanceMedian")] double DistanceMedian);

/// <summary>The model's settings (ModelSpec).</summary>
internal sealed class SpecRecord
{
    [JsonPropertyName("HiddenSize")] public int[]? HiddenSize { get; set; }
    [JsonPropertyName("LatentSize")] public int? LatentSize { get; set; }
    [JsonPropertyName("Activation")] public ActivationKind Activation { get; set; }
    [JsonPropertyName("Scaling")] public ScalingMethod Scaling { get; set; }
    [JsonPropertyName("Kind")] public AutoencoderKind Kind { get; set; }
    [JsonPropertyName("SparsityWeight")] public double SparsityWeight { get; set; } = ModelDefaults.SparsityWeight;
    [JsonPropertyName("KLWeight")] public double KLWeight { get; set; } = ModelDefaults.KLWeight;
    [JsonPropertyName("Samples")] public int Samples { get; set; } = ModelDefaults.Samples;
    [JsonPropertyName("NoiseLevel")] public double NoiseLevel { get; set; } = ModelDefaults.NoiseLevel;
    [JsonPropertyName("WindowSize")] public int WindowSize { get; set; } = ModelDefaults.WindowSize;
    [JsonPropertyName("Stride")] public int Stride { get; set; } = ModelDefaults.Stride;
    [JsonPropertyName("ImageShape")] public int[]? ImageShape { get; set; }
    [JsonPropertyName("PcaComponents")] public double? PcaComponents { get; set; }
    [JsonPropertyName("Epochs")] public int Epochs { get; set; } = ModelDefaults.Epochs;
    [JsonPropertyName("BatchSize")] public int BatchSize { get; set; } = ModelDefaults.BatchSize;
    [JsonPropertyName("LearningRate")] public double LearningRate { get; set; } = ModelDefaults.LearningRate;
    [JsonPropertyName("ValidationFraction")] public double ValidationFraction { get; set; } = ModelDefaults.ValidationFraction;
    [JsonPropertyName("Patience")] public int Patience { get; set; } = ModelDefaults.Patience;
    [JsonPropertyName("Seed")] public int? Seed { get; set; }
    [JsonPropertyName("Property")] public string[]? Property { get; set; }
    [JsonPropertyName("ExcludeProperty")] public string[]? ExcludeProperty { get; set; }
    [JsonPropertyName("CategoricalProperty")] public string[]? CategoricalProperty { get; set; }
    [JsonPropertyName("TimestampProperty")] public string? TimestampProperty { get; set; }

    /// <summary>Written for ReconstructionAndDistance only; absent means Reconstruction (every file before format 2).</summary>
    [JsonPropertyName("Score")] public ScoreMethod? Score { get; set; }
}

/// <summary>
/// The network ("Architecture" in the file). Format 1 repeats the kind-specific settings of the spec here; they are
/// written for readers of format 1 and ignored on load, where the spec is the one source.
/// </summary>
internal sealed class NetworkRecord
{
    [JsonPropertyName("Kind")] public string? Kind { get; set; }
    [JsonPropertyName("InputSize")] public int InputSize { get; set; }
    [JsonPropertyName("HiddenSize")] public int[]? HiddenSize { get; set; }
    [JsonPropertyName("LatentSize")] public int LatentSize { get; set; }
    [JsonPropertyName("Activation")] public ActivationKind Activation { get; set; }
    [JsonPropertyName("SigmoidOutput")] public bool SigmoidOutput { get; set; }
    [JsonPropertyName("SparsityWeight")] public double SparsityWeight { get; set; }
    [JsonPropertyName("KLWeight")] public double KLWeight { get; set; }
    [JsonPropertyName("Samples")] public int Samples { get; set; }
    [JsonPropertyName("NoiseLevel")] public double NoiseLevel { get; set; }
    [JsonPropertyName("WindowSize")] public int WindowSize { get; set; }
    [JsonPropertyName("ImageHeight")] public int ImageHeight { get; set; }
    [JsonPropertyName("ImageWidth")] public int ImageWidth { get; set; }
    [JsonPropertyName("SampleSize")] public int SampleSize { get; set; }
}

internal sealed record ScalingRecord(
    [property: JsonPropertyName("Method")] ScalingMethod Method,
    [property: JsonPropertyName("Offset")] double[] Offset,
    [property: JsonPropertyName("Scale")] double[] Scale);

internal sealed record PcaRecord(
    [property: JsonPropertyName("Mean")] double[] Mean,
    [property: JsonPropertyName("Components")] double[] Components,
    [property: JsonPropertyName("Count")] int Count,
    [property: JsonPropertyName("ExplainedVariance")] double ExplainedVariance);

internal sealed record EpochEntry(
    [property: JsonPropertyName("Epoch")] int Epoch,
    [property: JsonPropertyName("TrainLoss")] double TrainLoss,
    [property: JsonPropertyName("ValidationLoss")] double? ValidationLoss,
    [property: JsonPropertyName("Seconds")] double Seconds,
    [property: JsonPropertyName("IsBest")] bool IsBest,
    [property: JsonPropertyName("TrainReconstruction")] double? TrainReconstruction,
    [property: JsonPropertyName("TrainPenalty")] double? TrainPenalty);

internal sealed record TrainingRecord(
    [property: JsonPropertyName("Rows")] int Rows,
    [property: JsonPropertyName("TrainRows")] int TrainRows,
    [property: JsonPropertyName("ValidationRows")] int ValidationRows,
    [property: JsonPropertyName("EpochsRun")] int EpochsRun,
    [property: JsonPropertyName("BestEpoch")] int BestEpoch,
    [property: JsonPropertyName("BestLoss")] double BestLoss,
    [property: JsonPropertyName("StoppedEarly")] bool StoppedEarly,
    [property: JsonPropertyName("Cancelled")] bool Cancelled,
    [property: JsonPropertyName("Seed")] int Seed,
    [property: JsonPropertyName("Threads")] int Threads,
    [property: JsonPropertyName("Seconds")] double Seconds,
    [property: JsonPropertyName("TrainedAtUtc")] DateTime TrainedAtUtc);

internal sealed record ThresholdRecord(
    [property: JsonPropertyName("Value")] double Value,
    [property: JsonPropertyName("Method")] string Method,
    [property: JsonPropertyName("Parameter")] double? Parameter,
    [property: JsonPropertyName("SampleCount")] int SampleCount,
    [property: JsonPropertyName("Source")] string Source);

/// <summary>Where a tensor's float32 values lie in the weight block (offset and length in floats).</summary>
internal sealed record TensorEntry(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Shape")] long[] Shape,
    [property: JsonPropertyName("Offset")] long Offset,
    [property: JsonPropertyName("Length")] long Length);
