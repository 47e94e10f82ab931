using System.Diagnostics;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// What a model file holds, read from its JSON header alone: no weights are loaded and libtorch is not needed, so a
/// folder of models can be listed quickly. The checksum is verified by streaming the file through SHA-256 (no copy
/// is kept), or not at all when asked; <see cref="ChecksumVerified"/> says which.
/// </summary>
public sealed class ModelFileInfo
{
    private ModelFileInfo()
    {
    }

    public required string Path { get; init; }

    /// <summary>The model's name when it has one, otherwise the file name without its extension.</summary>
    public required string Name { get; init; }

    public required long Size { get; init; }

    public required int FormatVersion { get; init; }

    /// <summary>The module version that wrote the file.</summary>
    public string? CreatedBy { get; init; }

    public required AutoencoderKind Kind { get; init; }

    public required string[] Features { get; init; }

    /// <summary>The columns one-hot encoded as categories.</summary>
    public required string[] CategoricalFeatures { get; init; }

    public required int InputSize { get; init; }

    public required int[] HiddenSize { get; init; }

    public required int LatentSize { get; init; }

    public required int WindowSize { get; init; }

    public int? PcaComponents { get; init; }

    public ScalingMethod Scaling { get; init; }

    public ThresholdChoice? Threshold { get; init; }

    public TrainingSummary? Training { get; init; }

    /// <summary>Epochs in the training history (across continued training).</summary>
    public int HistoryEpochs { get; init; }

    /// <summary>Weights and buffers stored, in values.</summary>
    public long ParameterCount { get; init; }

    /// <summary>What the model's scores are made of.</summary>
    public ScoreMethod Scoring { get; init; }

    /// <summary>How the score was chosen, with each candidate's figures (its terms are not read: no Terms); null for a fixed score.</summary>
    public ScoreChoice? ScoreChoice { get; init; }

    /// <summary>True when the file's SHA-256 was checked and matched; false when it was not checked.</summary>
    public bool ChecksumVerified { get; init; }

    /// <summary>
    /// Reads the header of the model file at <paramref name="path"/>. With <paramref name="verifyChecksum"/> the whole
    /// file is hashed and a mismatch is an error; without it only the header is read.
    /// </summary>
    public static ModelFileInfo Read(string path, bool verifyChecksum = true)
    {
        string full = System.IO.Path.GetFullPath(path);
        ModelFileHeader file;
        using (FileStream stream = RegularFile.OpenRead(full))
        {
            file = ModelFileHeader.Read(stream, full, verifyChecksum, findName: true);
        }

        ModelRecord header = file.Record;
        Debug.Assert(header.Spec is not null && header.Network is not null && header.Features is not null && header.Tensors is not null, "ModelFileHeader.Read checks the required parts.");
        string[] features = header.Features;
        HashSet<string> scoreTensors = ScoreTermFile.TensorNames(header);
        return new ModelFileInfo
        {
            Path = full,
            Name = string.IsNullOrWhiteSpace(file.Name) ? System.IO.Path.GetFileNameWithoutExtension(full) : file.Name,
            Size = file.Size,
            FormatVersion = file.Version,
            CreatedBy = header.CreatedBy,
            Kind = header.Spec.Kind,
            Features = features,
            CategoricalFeatures = header.Categories is { } cats ? features.Where((_, i) => i < cats.Length && cats[i] is not null).ToArray() : Array.Empty<string>(),
            InputSize = header.Network.InputSize,
            HiddenSize = header.Network.HiddenSize ?? Array.Empty<int>(),
            LatentSize = header.Network.LatentSize,
            WindowSize = Math.Max(1, header.Spec.WindowSize),
            PcaComponents = header.Pca?.Count,
            Scaling = header.Spec.Scaling,
            Scoring = ScoreTermFile.Method(header),
            ScoreChoice = header.ScoreChoice is { } choice ? ScoreChoiceFile.FromRecord(choice, terms: null) : null,
            Threshold = ModelFileMapper.ThresholdFrom(header.Threshold),
            Training = ModelFileMapper.TrainingFrom(header.Training),
            HistoryEpochs = header.History?.Count ?? 0,
            ParameterCount = header.Tensors.Where(t => !scoreTensors.Contains(t.Name)).Sum(t => t.Length),
            ChecksumVerified = verifyChecksum,
        };
    }
}
