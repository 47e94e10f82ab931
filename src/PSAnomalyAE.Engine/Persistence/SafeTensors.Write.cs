using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace PSAnomalyAE.Engine.Persistence;

/// <content>Writing: always F32, the header padded so the data starts 8-byte aligned.</content>
public static partial class SafeTensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> as F32 to <paramref name="path"/>, replacing the file atomically (a temporary
    /// file in the same folder is renamed over it, so a failure leaves an existing file as it was).
    /// </summary>
    public static void Write(string path, IReadOnlyList<WeightTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] bytes = ToBytes(tensors, metadata);
        AtomicFile.Write(path, bytes);
    }

    /// <summary>Writes <paramref name="tensors"/> as F32 safetensors to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyList<WeightTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        stream.Write(ToBytes(tensors, metadata));

    /// <summary>The bytes of an F32 safetensors file holding <paramref name="tensors"/> in the given order.</summary>
    public static byte[] ToBytes(IReadOnlyList<WeightTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        EnsureLittleEndian();
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            foreach (WeightTensor t in tensors)
            {
                if (string.IsNullOrEmpty(t.Name) || t.Name == MetadataKey || !names.Add(t.Name))
                {
                    throw new ArgumentException($"Tensor names must be non-empty, unique and not '{MetadataKey}'; '{t.Name}' is not.", nameof(tensors));
                }

                long count = 1;
                foreach (long d in t.Shape)
                {
                    count = d >= 0 ? checked(count * d) : throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension.", nameof(tensors));
                }

                if (count != t.Data.Length)
                {
                    throw new ArgumentException($"Tensor '{t.Name}' has shape [{string.Join(",", t.Shape)}] but {t.Data.Length} values.", nameof(tensors));
                }

                w.WriteStartObject(t.Name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (long d in t.Shape)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += count * sizeof(float);
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int headerLength = (int)json.Length;
        int padded = (headerLength + 7) / 8 * 8;
        var result = new byte[checked(8 + padded + offset)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        json.GetBuffer().AsSpan(0, headerLength).CopyTo(result.AsSpan(8));
        result.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        int at = 8 + padded;
        foreach (WeightTensor t in tensors)
        {
            ReadOnlySpan<byte> raw = MemoryMarshal.AsBytes(t.Data.AsSpan());
            raw.CopyTo(result.AsSpan(at));
            at += raw.Length;
        }

        return result;
    }
}
