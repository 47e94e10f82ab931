using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace PSAnomalyAE.Engine.Persistence;

// The JSON header of a model file, format version 1, written out as records of its own. Every property name is
// fixed here with JsonPropertyName, so renaming a domain type or property never changes the format; a change to
// these records is a change of format (and of ModelFile.FormatVersion). Enum values are written by name. The one
// exception is the settings, written as the ModelSpec itself (SpecJson): a setting is declared once, there.
// ModelFileMapper maps them to and from the domain types. tests/.../Fixtures/golden holds files in this format.

/// <summary>
/// The header's JSON contract, generated at build time: the same names, order, enum names and omitted nulls as the
/// serializer's reflection would give, without building them by reflection (and emitting code for every property)
/// the first time a file is read in a process.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelRecord))]
internal sealed partial class ModelFileJson : JsonSerializerContext
{
}

/// <summary>The settings' JSON contract (<see cref="SpecJson"/>), generated at build time as <see cref="ModelFileJson"/> is.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelSpec))]
internal sealed partial class SpecFileJson : JsonSerializerContext
{
}

internal sealed class ModelRecord
{
    [JsonPropertyName("Format")] public string? Format { get; set; }
    [JsonPropertyName("Version")] public int Version { get; set; }
    [JsonPropertyName("CreatedBy")] public string? CreatedBy { get; set; }
    [JsonPropertyName("TorchSharp")] public string? TorchSharp { get; set; }
    [JsonPropertyName("Spec"), JsonConverter(typeof(SpecJson))] public ModelSpec? Spec { get; set; }
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

    // Optional, added within format 3 and written in any format: each input's lowest and highest training value.
    [JsonPropertyName("FeatureMin")] public double[]? FeatureMin { get; set; }
    [JsonPropertyName("FeatureMax")] public double[]? FeatureMax { get; set; }

    // Added in format 2: the distance part of the score. Its reference sample is the tensor it names, in the weight
    // block with the network's tensors. A file with it is written as version 2, so older readers refuse it instead of
    // scoring with half of the score.
    [JsonPropertyName("Neighbours")] public NeighboursRecord? Neighbours { get; set; }

    // Added in format 3: every part of the score, as one list (ScoreTermFile). A file with it is written as version 3.
    [JsonPropertyName("ScoreTerms")] public List<ScoreTermRecord>? ScoreTerms { get; set; }

    // Added in format 4: how the score was chosen among candidates whose terms ScoreTerms all keeps. Written as version 4.
    [JsonPropertyName("ScoreChoice")] public ScoreChoiceRecord? ScoreChoice { get; set; }
}

/// <summary>The distance part of the score in format 2 (read only: format 3 keeps it in ScoreTerms).</summary>
internal sealed record NeighboursRecord(
    [property: JsonPropertyName("Tensor")] string Tensor,
    [property: JsonPropertyName("K")] int K,
    [property: JsonPropertyName("ErrorMedian")] double ErrorMedian,
    [property: JsonPropertyName("DistanceMedian")] double DistanceMedian);

/// <summary>
/// The model's settings: the <see cref="ModelSpec"/> itself, by its property names and in their order, without those
/// marked [JsonIgnore] there. Score is written last, and only when it is not Reconstruction; absent, it is
/// Reconstruction (every file before format 2).
/// </summary>
internal sealed class SpecJson : JsonConverter<ModelSpec>
{
    /// <summary>The name <see cref="ModelSpec.Scoring"/> has in the file, as in every format since 2.</summary>
    internal const string ScoringName = "Score";

    private static readonly JsonSerializerOptions s_json = new(SpecFileJson.Default.Options)
    {
        TypeInfoResolver = SpecFileJson.Default.WithAddedModifier(ScoreAsInFormat2),
    };

    public override ModelSpec? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<ModelSpec>(ref reader, s_json);

    public override void Write(Utf8JsonWriter writer, ModelSpec value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, s_json);

    private static void ScoreAsInFormat2(JsonTypeInfo info)
    {
        if (info.Type != typeof(ModelSpec))
        {
            return;
        }

        JsonPropertyInfo score = info.Properties.Single(p => p.Name == ScoringName);
        info.Properties.Remove(score);
        info.Properties.Add(score);
        score.ShouldSerialize = (_, value) => value is not ScoreMethod.Reconstruction;
        info.OnDeserializing = spec => ((ModelSpec)spec).Scoring = ScoreMethod.Reconstruction;
    }
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
