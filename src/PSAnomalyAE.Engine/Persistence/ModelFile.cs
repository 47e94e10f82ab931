using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// The model file: one portable file holding everything needed to score.
/// Layout (little-endian): 8-byte magic "PSAEMODL", u32 format version, u32 header length, UTF-8 JSON header
/// (see <see cref="ModelRecord"/>: settings, features, scaler, network, history, threshold, tensor table), u64 weight-block length,
/// float32 weights, and a SHA-256 of every byte before it. Reading never executes anything from the file.
/// </summary>
public static class ModelFile
{
    /// <summary>
    /// The newest format this version writes; it reads every version up to this one. Version 2 added the distance part
    /// of the score, version 3 keeps every score term as one list (<see cref="ScoreTermFile"/>), version 4 a model's
    /// choice of score among candidates (<see cref="ScoreChoice"/>); a model scored by the
    /// reconstruction error alone is still written as version 1, byte for byte as before.
    /// </summary>
    public const int FormatVersion = 4;

    /// <summary>The format version a model is written in.</summary>
    internal static int VersionFor(AnomalyModel model) => ScoreTermFile.VersionFor(model.ScoreTerms, model.ScoreChoice);

    internal const string FormatName = "PSAnomalyAE.Model";

    /// <summary>
    /// The largest model file read: the weights become managed arrays, so the whole file (header of at most 64 MB,
    /// weight block and checksum) must fit in one. A longer file is refused before it is read.
    /// </summary>
    internal const long MaxFileBytes = int.MaxValue - 64;

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/>.</summary>
    public static void Save(AnomalyModel model, Stream stream)
    {
        if (!model.IsTrained)
        {
            throw AnomalyModel.NotTrained();
        }

        IReadOnlyList<WeightTensor> weights = model.ExportWeights().Concat(ScoreTermFile.ToRecords(model.ScoreTerms, model.ScoreChoice).Tensors).ToList();

        long offset = 0;
        var table = new List<TensorEntry>();
        foreach (WeightTensor w in weights)
        {
            table.Add(new TensorEntry(w.Name, w.Shape, offset, w.Data.Length));
            offset += w.Data.Length;
        }

        ModelRecord header = ModelFileMapper.ToRecord(
            model,
            table,
            "PSAnomalyAE " + typeof(ModelFile).Assembly.GetName().Version?.ToString(3),
            typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, ModelFileHeader.Json);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[8];

        void Write(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            stream.Write(bytes);
        }

        Write(ModelFileHeader.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)VersionFor(model));
        Write(buffer.AsSpan(0, 4));
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)json.Length);
        Write(buffer.AsSpan(0, 4));
        Write(json);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, (ulong)(offset * sizeof(float)));
        Write(buffer);
        foreach (WeightTensor w in weights)
        {
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(w.Data.AsSpan());
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("Model files are little-endian.");
            }

            Write(bytes);
        }

        stream.Write(hash.GetHashAndReset());
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically: a temporary file in the same folder is
    /// written and flushed, then renamed over the target. A failure at any point leaves an existing file untouched.
    /// </summary>
    public static void SaveAtomic(AnomalyModel model, string path, bool overwrite, Func<Stream, Stream>? wrap = null) =>
        AtomicFile.Write(
            path,
            file =>
            {
                Stream target = wrap is null ? file : wrap(file);
                Save(model, target);
                target.Flush();
            },
            overwrite);

    /// <summary>
    /// Reads a model file. The model remembers the file's full path (<see cref="AnomalyModel.SourcePath"/>), and a
    /// model saved without a name is named after the file (<see cref="DefaultName"/>).
    /// </summary>
    public static AnomalyModel Load(string path) => Load(path, whenChecked: null, buildInBackground: false);

    /// <summary>
    /// Reads a model file as <see cref="Load(string)"/> does, calling <paramref name="whenChecked"/> once the file is in
    /// memory and its checksum verified. With <paramref name="buildInBackground"/> the network is built on a thread-pool
    /// thread once libtorch is loaded (<see cref="AnomalyModel.Restore"/>), and the model returns as soon as its header
    /// is parsed and checked, without waiting for libtorch. A command starts libtorch's load in the background at
    /// <paramref name="whenChecked"/>: from there this thread runs managed code alone, which neither loads nor binds a
    /// native library. Started earlier, the load would stall this thread instead, because the dynamic loader holds one
    /// lock for the whole of libtorch's load and reading the file needs it too (the checksum's native library, a first
    /// call into a native function).
    /// </summary>
    public static AnomalyModel Load(string path, Action? whenChecked, bool buildInBackground)
    {
        byte[] bytes = RegularFile.ReadAll(path, MaxFileBytes, length => ModelFileHeader.Damaged(path, $"it is {length} bytes long, more than a model file can hold ({MaxFileBytes} bytes)."));
        AnomalyModel model = Load(bytes, path, whenChecked, buildInBackground);
        model.SourcePath = Path.GetFullPath(path);
        model.Name ??= DefaultName(path);
        return model;
    }

    /// <summary>The name a model file gives a model saved without one: the file name without its extension ("web01.aemodel": "web01").</summary>
    public static string DefaultName(string path) => Path.GetFileNameWithoutExtension(path);

    /// <summary>Reads a model from the bytes of a model file; <paramref name="source"/> names it in errors.</summary>
    public static AnomalyModel Load(byte[] bytes, string source) => Load(bytes, source, whenChecked: null, buildInBackground: false);

    private static AnomalyModel Load(byte[] bytes, string source, Action? whenChecked, bool buildInBackground)
    {
        ModelFileHeader file;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            file = ModelFileHeader.Read(stream, source, verifyChecksum: true, whenChecked: whenChecked);
        }

        ModelRecord header = file.Record;
        var weights = new List<WeightTensor>();
        long floats = file.WeightBytes / sizeof(float);
        foreach (TensorEntry t in header.Tensors!)
        {
            long count = t.Shape.Aggregate(1L, (a, b) => a * b);
            if (t.Shape.Any(s => s < 0) || count != t.Length || t.Offset < 0 || t.Offset + t.Length > floats)
            {
                throw ModelFileHeader.Damaged(source, $"the table entry for weight '{t.Name}' is inconsistent.");
            }

            float[] data = MemoryMarshal.Cast<byte, float>(bytes.AsSpan((int)(file.WeightStart + (t.Offset * sizeof(float))), (int)(t.Length * sizeof(float)))).ToArray();
            weights.Add(new WeightTensor(t.Name, t.Shape, data));
        }

        return ModelFileMapper.FromRecord(header, weights, why => ModelFileHeader.Damaged(source, why), buildInBackground);
    }
}
