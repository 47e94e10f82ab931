using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// The part of a model file before its weights, read and checked: the prefix (magic, format version, header
/// length), the checksum and the JSON header. <see cref="ModelFile"/> reads it before the weights, and
/// <see cref="ModelFileInfo"/> reads nothing else. It reads from a stream and verifies the checksum by streaming
/// the file through SHA-256, so describing a file never holds it in memory whole and needs no libtorch.
/// </summary>
internal sealed class ModelFileHeader
{
    /// <summary>The magic (8 bytes), the format version and the header length (4 bytes each).</summary>
    internal const int PrefixLength = 16;

    /// <summary>The SHA-256 of every byte before it, at the end of the file.</summary>
    internal const int ChecksumLength = 32;

    // The prefix, the weight-block length and the checksum: the shortest a model file can be.
    private const long MinLength = PrefixLength + sizeof(ulong) + ChecksumLength;
    private const long MaxHeader = 64L << 20;

    /// <summary>
    /// The JSON options of the header, for writing and reading: those of its generated contract. Changing them changes
    /// the bytes written.
    /// </summary>
    internal static readonly JsonSerializerOptions Json = ModelFileJson.Default.Options;

    private ModelFileHeader(ModelRecord record, int version, long size, long headerLength, long weightBytes, string? name)
    {
        Record = record;
        Version = version;
        Size = size;
        WeightStart = PrefixLength + headerLength + sizeof(ulong);
        WeightBytes = weightBytes;
        Name = name;
    }

    /// <summary>The first bytes of every model file: "PSAEMODL".</summary>
    internal static ReadOnlySpan<byte> Magic => "PSAEMODL"u8;

    /// <summary>
    /// The JSON header; its format name and required parts (settings, network, features, tensor table) are present,
    /// and the values that size what loading allocates are in range (<see cref="ModelRecordCheck"/>).
    /// </summary>
    public ModelRecord Record { get; }

    public int Version { get; }

    /// <summary>The length of the whole file in bytes.</summary>
    public long Size { get; }

    /// <summary>Where the float32 weights begin, in bytes from the start of the file.</summary>
    public long WeightStart { get; }

    /// <summary>The length of the weight block in bytes; it ends where the checksum begins.</summary>
    public long WeightBytes { get; }

    /// <summary>A "Name" at the top of the header or in its settings, when asked for and the writer recorded one.</summary>
    public string? Name { get; }

    /// <summary>
    /// Reads and checks the header of the model file in <paramref name="file"/> (a seekable stream at any position);
    /// <paramref name="source"/> names the file in errors. With <paramref name="verifyChecksum"/> the whole file is
    /// hashed first, and a mismatch is an error; <paramref name="findName"/> also looks for a recorded name.
    /// <paramref name="whenChecked"/> is called after the prefix and the checksum, before the header is parsed.
    /// </summary>
    public static ModelFileHeader Read(Stream file, string source, bool verifyChecksum, bool findName = false, Action? whenChecked = null)
    {
        long size = file.Length;
        file.Position = 0;
        var prefix = new byte[PrefixLength];
        int version = CheckPrefix(prefix.AsSpan(0, file.ReadAtLeast(prefix, PrefixLength, throwOnEndOfStream: false)), size, source);
        if (verifyChecksum)
        {
            VerifyChecksum(file, size, source);
        }

        whenChecked?.Invoke();

        long headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(12));
        if (headerLength > MaxHeader || PrefixLength + headerLength + sizeof(ulong) + ChecksumLength > size)
        {
            throw Damaged(source, "its header length is out of range.");
        }

        var json = new byte[headerLength + sizeof(ulong)];
        file.Position = PrefixLength;
        if (file.ReadAtLeast(json, json.Length, throwOnEndOfStream: false) < json.Length)
        {
            throw Damaged(source, "it is truncated.");
        }

        long weightBytes = (long)BinaryPrimitives.ReadUInt64LittleEndian(json.AsSpan((int)headerLength));
        if (PrefixLength + headerLength + sizeof(ulong) + weightBytes + ChecksumLength != size)
        {
            throw Damaged(source, "its weight block length does not match the file size.");
        }

        ModelRecord record = Parse(json.AsSpan(0, (int)headerLength), source, findName, out string? name);
        if (record.Format != ModelFile.FormatName || record.Spec is null || record.Network is null || record.Features is null || record.Tensors is null)
        {
            throw Damaged(source, "its header lacks required parts.");
        }

        ModelRecordCheck.Check(record, weightBytes / sizeof(float), why => Damaged(source, why));
        return new ModelFileHeader(record, version, size, headerLength, weightBytes, name);
    }

    /// <summary>The error for a file that is not a model file or is damaged; <paramref name="why"/> ends with a full stop.</summary>
    internal static AnomalyDetectionException Damaged(string source, string why) => new(
        AnomalyErrorKind.InvalidModelFile,
        $"'{source}' is not a PSAnomalyAE model file, or it is damaged: {why}")
    {
        RecommendedAction = "Export the model again, or restore the file from a backup.",
    };

    // The magic and the format version, from the first bytes read (up to 16) of a file of `size` bytes.
    private static int CheckPrefix(ReadOnlySpan<byte> prefix, long size, string source)
    {
        if (prefix.Length < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
        {
            throw Damaged(source, "it does not start with the PSAnomalyAE signature.");
        }

        if (prefix.Length < PrefixLength)
        {
            throw Damaged(source, "it is truncated.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (version > ModelFile.FormatVersion)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.NewerModelFile,
                $"'{source}' was written in model format version {version}; this version of PSAnomalyAE reads versions up to {ModelFile.FormatVersion}.")
            {
                RecommendedAction = "Update the PSAnomalyAE module to read this model.",
            };
        }

        if (version == 0)
        {
            throw Damaged(source, "its format version is 0.");
        }

        if (size < MinLength)
        {
            throw Damaged(source, "it is truncated.");
        }

        return (int)version;
    }

    // Hashes every byte before the last 32 in blocks (no copy of the file is kept) and compares them with the last 32.
    private static void VerifyChecksum(Stream file, long size, string source)
    {
        file.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long left = size - ChecksumLength;
        while (left > 0)
        {
            int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n <= 0)
            {
                throw Damaged(source, "it is truncated.");
            }

            hash.AppendData(buffer, 0, n);
            left -= n;
        }

        var stored = new byte[ChecksumLength];
        if (file.ReadAtLeast(stored, ChecksumLength, throwOnEndOfStream: false) < ChecksumLength
            || !hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
        {
            throw Damaged(source, "its checksum does not match its contents (truncated or altered).");
        }
    }

    private static ModelRecord Parse(ReadOnlySpan<byte> json, string source, bool findName, out string? name)
    {
        try
        {
            ModelRecord record = JsonSerializer.Deserialize<ModelRecord>(json, Json) ?? throw Damaged(source, "its header is empty.");
            name = findName ? FindName(json) : null;
            return record;
        }
        catch (JsonException ex)
        {
            throw Damaged(source, "its header cannot be read (" + ex.Message + ").");
        }
    }

    // A "Name" at the top of the header or in its settings, when the writer recorded one.
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
