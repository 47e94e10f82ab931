using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// What a model file holds, read from its JSON header alone: no weights are loaded and libtorch is not needed, so a
/// folder of models can be listed quickly. The checksum is verified by streaming the file through SHA-256 (no copy
/// is kept), or not at all when asked; <see cref="ChecksumVerified"/> says which.
/// </summary>
public sealed class ModelFileInfo
{
    private const long MaxHeader = 64L << 20;
    private static readonly byte[] s_magic = "PSAEMODL"u8.ToArray();

    private static readonly JsonSerializerOptions s_json = new()
    {
        Converters = { new JsonStringEnumConverter() },
    };

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
    public ScoreMethod Score { get; init; }

    /// <summary>True when the file's SHA-256 was checked and matched; false when it was not checked.</summary>
    public bool ChecksumVerified { get; init; }

    /// <summary>
    /// Reads the header of the model file at <paramref name="path"/>. With <paramref name="verifyChecksum"/> the whole
    /// file is hashed and a mismatch is an error; without it only the header is read.
    /// </summary>
    public static ModelFileInfo Read(string path, bool verifyChecksum = true)
    {
        string full = System.IO.Path.GetFullPath(path);
        AnomalyDetectionException Damaged(string why) => new(
            AnomalyErrorKind.InvalidModelFile,
            $"'{full}' is not a PSAnomalyAE model file, or it is damaged: {why}")
        {
            RecommendedAction = "Export the model again, or restore the file from a backup.",
        };

        using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long size = file.Length;
        var prefix = new byte[16];
        if (size < 16 + 8 + 32 || file.ReadAtLeast(prefix, 16, throwOnEndOfStream: false) < 16 || !prefix.AsSpan(0, 8).SequenceEqual(s_magic))
        {
            throw Damaged(size >= 8 && prefix.AsSpan(0, 8).SequenceEqual(s_magic) ? "it is truncated." : "it does not start with the PSAnomalyAE signature.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(8));
        if (version > ModelFile.FormatVersion)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.NewerModelFile,
                $"'{full}' was written in model format version {version}; this version of PSAnomalyAE reads versions up to {ModelFile.FormatVersion}.")
            {
                RecommendedAction = "Update the PSAnomalyAE module to read this model.",
            };
        }

        long headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(12));
        if (version == 0 || headerLength > MaxHeader || 16 + headerLength + 8 + 32 > size)
        {
            throw Damaged(version == 0 ? "its format version is 0." : "its header length is out of range.");
        }

        var json = new byte[headerLength + 8];
        if (file.ReadAtLeast(json, json.Length, throwOnEndOfStream: false) < json.Length)
        {
            throw Damaged("it is truncated.");
        }

        long weightBytes = (long)BinaryPrimitives.ReadUInt64LittleEndian(json.AsSpan((int)headerLength));
        if (16 + headerLength + 8 + weightBytes + 32 != size)
        {
            throw Damaged("its weight block length does not match the file size.");
        }

        if (verifyChecksum)
        {
            file.Position = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            long left = size - 32;
            while (left > 0)
            {
                int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n <= 0)
                {
                    throw Damaged("it is truncated.");
                }

                hash.AppendData(buffer, 0, n);
                left -= n;
            }

            var stored = new byte[32];
            file.ReadExactly(stored);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
            {
                throw Damaged("its checksum does not match its contents (truncated or altered).");
            }
        }

        ModelRecord header;
        string? name;
        try
        {
            ReadOnlySpan<byte> headerBytes = json.AsSpan(0, (int)headerLength);
            header = JsonSerializer.Deserialize<ModelRecord>(headerBytes, s_json) ?? throw Damaged("its header is empty.");
            name = FindName(headerBytes);
        }
        catch (JsonException ex)
        {
            throw Damaged("its header cannot be read (" + ex.Message + ").");
        }

        if (header.Format != ModelFile.FormatName || header.Spec is null || header.Network is null || header.Features is null || header.Tensors is null)
        {
            throw Damaged("its header lacks required parts.");
        }

        string[] features = header.Features;
        return new ModelFileInfo
        {
            Path = full,
            Name = string.IsNullOrWhiteSpace(name) ? System.IO.Path.GetFileNameWithoutExtension(full) : name,
            Size = size,
            FormatVersion = (int)version,
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
            Score = ScoreTerms.MethodOf(ScoreTermFile.Names(header)),
            Threshold = header.Threshold is { } t ? new ThresholdChoice(t.Value, t.Method, t.Parameter, t.SampleCount, t.Source) : null,
            Training = header.Training is { } r
                ? new TrainingSummary(r.Rows, r.TrainRows, r.ValidationRows, r.EpochsRun, r.BestEpoch, r.BestLoss, r.StoppedEarly, r.Cancelled, r.Seed, r.Threads, r.Seconds, r.TrainedAtUtc)
                : null,
            HistoryEpochs = header.History?.Count ?? 0,
            ParameterCount = header.Tensors.Where(t => !ScoreTermFile.TensorNames(header).Contains(t.Name)).Sum(t => t.Length),
            ChecksumVerified = verifyChecksum,
        };
    }

    /// <summary>A "Name" at the top of the header or in its settings, when the writer recorded one.</summary>
    private static string? FindName(ReadOnlySpan<byte> header)
    {
        var reader = new Utf8JsonReader(header);
        using JsonDocument doc = JsonDocument.ParseValue(ref reader);
        JsonElement root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (root.TryGetProperty("Name", out JsonElement n) && n.ValueKind == JsonValueKind.String)
            {
                return n.GetString();
            }

            if (root.TryGetProperty("Spec", out JsonElement spec) && spec.ValueKind == JsonValueKind.Object
                && spec.TryGetProperty("Name", out n) && n.ValueKind == JsonValueKind.String)
            {
                return n.GetString();
            }
        }

        return null;
    }
}
