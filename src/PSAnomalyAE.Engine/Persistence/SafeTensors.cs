using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>A tensor read from a safetensors file: its values as float32 and the dtype it was stored in.</summary>
public sealed record SafeTensor(string Name, string DType, long[] Shape, float[] Data)
{
    /// <summary>The same tensor as the engine's weight record (values are float32 either way).</summary>
    public WeightTensor ToWeight() => new(Name, Shape, Data);
}

/// <summary>The tensors of a safetensors file, in file order, and its optional string metadata.</summary>
public sealed record SafeTensorsContent(IReadOnlyList<SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Reads and writes the safetensors format (https://huggingface.co/docs/safetensors): an unsigned 64-bit
/// little-endian header length N, N bytes of UTF-8 JSON
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {"k": "v"}}</c>
/// (optionally padded with spaces), then the raw little-endian tensor bytes; offsets are relative to the end of the header.
/// </summary>
/// <remarks>
/// Reading is strict and never looks outside the file: the header length must fit the file, every entry must have
/// exactly dtype, shape and data_offsets, names must be unique, each tensor's byte length must equal its element
/// count times its dtype's size, and the tensors must tile the data block without gaps or overlaps up to the last
/// byte of the file. F32 is read as it is; F64, F16 and BF16 are converted to float32; every other dtype is refused.
/// Writing always uses F32. Only little-endian machines are supported (every current .NET platform is one).
/// Nothing in a file is executed: the header is parsed as plain JSON.
/// </remarks>
public static partial class SafeTensors
{
    /// <summary>The largest header accepted: the same limit as the reference (Rust) implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The largest file read (tensors become managed arrays, which top out near 2 GB).</summary>
    public const long MaxFileBytes = int.MaxValue - 64;

    private const string MetadataKey = "__metadata__";

    /// <summary>Reads the safetensors file at <paramref name="path"/>.</summary>
    public static SafeTensorsContent Read(string path)
    {
        byte[] bytes = RegularFile.ReadAll(path, MaxFileBytes, length => Invalid(path, $"it is {length} bytes long; files over {MaxFileBytes} bytes are not read."));
        return Read(bytes, path);
    }

    /// <summary>Reads safetensors content from <paramref name="bytes"/>; <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsContent Read(ReadOnlySpan<byte> bytes, string source)
    {
        EnsureLittleEndian();
        if (bytes.Length < 8)
        {
            throw Invalid(source, "it is shorter than the 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
        {
            throw Invalid(source, $"its header length {headerLength} is out of range (2 to {MaxHeaderBytes} bytes).");
        }

        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw Invalid(source, $"its header length {headerLength} runs past the end of the file ({bytes.Length} bytes): the file is truncated or not safetensors.");
        }

        ReadOnlySpan<byte> header = bytes.Slice(8, (int)headerLength);
        ReadOnlySpan<byte> data = bytes[(8 + (int)headerLength)..];
        if (header[0] != (byte)'{')
        {
            throw Invalid(source, "its header does not start with '{'.");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw Invalid(source, "its header is not valid JSON (" + ex.Message + ").");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(source, "its header is not a JSON object.");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, string DType, long[] Shape, long Begin, long End)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    throw Invalid(source, $"its header names '{p.Name}' twice.");
                }

                if (p.Name == MetadataKey)
                {
                    ReadMetadata(source, p.Value, metadata);
                    continue;
                }

                entries.Add(ReadEntry(source, p.Name, p.Value));
            }

            CheckLayout(source, entries, data.Length);

            var tensors = new List<SafeTensor>(entries.Count);
            foreach (var e in entries)
            {
                ReadOnlySpan<byte> raw = data.Slice((int)e.Begin, (int)(e.End - e.Begin));
                tensors.Add(new SafeTensor(e.Name, e.DType, e.Shape, ToFloat(e.DType, raw)));
            }

            return new SafeTensorsContent(tensors, metadata);
        }
    }

    /// <summary>The size in bytes of one element of <paramref name="dtype"/>, or 0 when it is not a safetensors dtype.</summary>
    public static int DTypeSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    private static (string Name, string DType, long[] Shape, long Begin, long End) ReadEntry(string source, string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"the header entry for '{name}' is not an object.");
        }

        string? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty f in e.EnumerateObject())
        {
            if (!fields.Add(f.Name))
            {
                throw Invalid(source, $"the header entry for '{name}' has '{f.Name}' twice.");
            }

            switch (f.Name)
            {
                case "dtype":
                    dtype = f.Value.ValueKind == JsonValueKind.String ? f.Value.GetString() : null;
                    break;
                case "shape":
                    shape = ReadIntegers(f.Value);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(f.Value);
                    break;
                default:
                    throw Invalid(source, $"the header entry for '{name}' has an unknown field '{f.Name}'.");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            throw Invalid(source, $"the header entry for '{name}' needs a string dtype, an integer shape and two integer data_offsets.");
        }

        if (offsets.Length != 2 || offsets[0] > offsets[1])
        {
            throw Invalid(source, $"the data_offsets of '{name}' are not [begin, end] with begin <= end.");
        }

        int size = DTypeSize(dtype);
        if (size == 0)
        {
            throw Invalid(source, $"'{name}' has an unknown dtype '{dtype}'.");
        }

        if (dtype is not ("F32" or "F64" or "F16" or "BF16"))
        {
            throw Invalid(source, $"'{name}' is stored as {dtype}; only floating-point weights (F32, or F64, F16 and BF16, which are converted to F32) can be read.");
        }

        long count = 1;
        try
        {
            foreach (long d in shape)
            {
                count = checked(count * d);
            }

            if (checked(count * size) != offsets[1] - offsets[0])
            {
                throw Invalid(source, $"'{name}' has shape [{string.Join(",", shape)}] of {dtype} ({count * size} bytes) but its data_offsets span {offsets[1] - offsets[0]} bytes.");
            }
        }
        catch (OverflowException)
        {
            throw Invalid(source, $"the shape of '{name}' is too large.");
        }

        return (name, dtype, shape, offsets[0], offsets[1]);
    }

    // Non-negative integers that fit a long; anything else (fractions, negatives, strings) gives null.
    private static long[]? ReadIntegers(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<long>();
        foreach (JsonElement v in e.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long x) || x < 0)
            {
                return null;
            }

            list.Add(x);
        }

        return list.ToArray();
    }

    private static void ReadMetadata(string source, JsonElement e, Dictionary<string, string> metadata)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"its {MetadataKey} is not an object of strings.");
        }

        foreach (JsonProperty p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(source, $"its {MetadataKey} value '{p.Name}' is not a string.");
            }

            if (!metadata.TryAdd(p.Name, p.Value.GetString()!))
            {
                throw Invalid(source, $"its {MetadataKey} names '{p.Name}' twice.");
            }
        }
    }

    // The tensors must cover the data block exactly: sorted by offset, each starts where the previous one ended,
    // the first at 0 and the last ending at the end of the file.
    private static void CheckLayout(string source, List<(string Name, string DType, long[] Shape, long Begin, long End)> entries, long dataLength)
    {
        long expected = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != expected)
            {
                throw Invalid(source, e.Begin < expected
                    ? $"the data of '{e.Name}' overlaps the tensor before it."
                    : $"there is a gap of {e.Begin - expected} bytes before the data of '{e.Name}'.");
            }

            if (e.End > dataLength)
            {
                throw Invalid(source, $"the data of '{e.Name}' ends at byte {e.End} of a {dataLength}-byte data block: the file is truncated.");
            }

            expected = e.End;
        }

        if (expected != dataLength)
        {
            throw Invalid(source, $"{dataLength - expected} bytes after the last tensor belong to none.");
        }
    }

    private static float[] ToFloat(string dtype, ReadOnlySpan<byte> raw)
    {
        switch (dtype)
        {
            case "F32":
                return MemoryMarshal.Cast<byte, float>(raw).ToArray();
            case "F64":
            {
                var result = new float[raw.Length / 8];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                }

                return result;
            }

            case "F16":
            {
                var result = new float[raw.Length / 2];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]);
                }

                return result;
            }

            default: // BF16: the upper half of a float32
            {
                var result = new float[raw.Length / 2];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16);
                }

                return result;
            }
        }
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors files are read and written on little-endian machines only.");
        }
    }

    private static AnomalyDetectionException Invalid(string source, string why) => new(
        AnomalyErrorKind.InvalidModelFile,
        $"'{source}' is not a valid safetensors file: {why}")
    {
        RecommendedAction = "Write the weights again with safetensors.torch.save_file, or with Export-AEModel -Format PyTorch.",
    };
}
