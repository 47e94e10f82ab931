using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using PSAnomalyAE.Engine;
using PSAnomalyAE.Engine.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// Safetensors + config.json interop with PyTorch. The fixtures in Fixtures/pytorch were made by
/// make_pytorch_fixtures.py: a 6-12-3-12-6 ReLU autoencoder trained in PyTorch as one nn.Sequential.
/// </summary>
public sealed class PyTorchInteropTests : IDisposable
{
    private static readonly string[] s_denseNames =
    {
        "encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
        "decoder.0.weight", "decoder.0.bias", "decoder.2.weight", "decoder.2.bias",
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("psae-pt-").FullName;
    private readonly ITestOutputHelper _output;

    public PyTorchInteropTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ---- safetensors ------------------------------------------------------------------------------------------

    [Fact]
    public void Safetensors_round_trip_keeps_names_shapes_values_order_and_metadata()
    {
        var tensors = new List<WeightTensor>
        {
            new("b.weight", new long[] { 2, 3 }, new float[] { 1, -2, 3.5f, float.Epsilon, 1e30f, -0f }),
            new("a.bias", new long[] { 3 }, new float[] { 0.1f, 0.2f, 0.3f }),
            new("scalar", Array.Empty<long>(), new float[] { 42 }),
            new("empty", new long[] { 0, 4 }, Array.Empty<float>()),
        };
        string path = Path.Combine(_dir, "t.safetensors");
        SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8); // data starts 8-byte aligned
        SafeTensorsContent read = SafeTensors.Read(path);
        Assert.Equal(tensors.Select(t => t.Name), read.Tensors.Select(t => t.Name));
        for (int i = 0; i < tensors.Count; i++)
        {
            Assert.Equal("F32", read.Tensors[i].DType);
            Assert.Equal(tensors[i].Shape, read.Tensors[i].Shape);
            Assert.Equal(tensors[i].Data, read.Tensors[i].Data);
        }

        Assert.Equal("pt", read.Metadata["format"]);
    }

    [Fact]
    public void Safetensors_reads_F64_F16_and_BF16_as_float32()
    {
        var data = new byte[8 + 4 + 4];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.5);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(8), (Half)(-1.5));
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(10), (Half)2);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(12), 0x3F80); // bf16 1.0
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(14), 0xC000); // bf16 -2.0
        byte[] file = Build("""{"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]}}""", data);

        SafeTensorsContent read = SafeTensors.Read(file, "mixed");
        Assert.Equal(new[] { 0.5f }, read.Tensors[0].Data);
        Assert.Equal(new[] { -1.5f, 2f }, read.Tensors[1].Data);
        Assert.Equal(new[] { 1f, -2f }, read.Tensors[2].Data);
        Assert.Equal(new[] { "F64", "F16", "BF16" }, read.Tensors.Select(t => t.DType));
    }

    public static IEnumerable<object[]> BadFiles()
    {
        byte[] eight = new byte[8];
        yield return new object[] { "shorter than 8 bytes", new byte[] { 1, 0, 0 }, "shorter than the 8-byte header length" };
        yield return new object[] { "header length past the end", WithLength(Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", eight), 4096), "runs past the end of the file" };
        yield return new object[] { "huge header length", WithLength(Build("{}", Array.Empty<byte>()), ulong.MaxValue), "out of range" };
        yield return new object[] { "truncated data", Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[7]), "ends at byte 8 of a 7-byte data block" };
        yield return new object[] { "truncated file", Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", eight)[..^1], "truncated" };
        yield return new object[] { "offset past the end", Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", eight), "gap of 8 bytes" };
        yield return new object[] { "gap between tensors", Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}""", eight), "gap of 4 bytes" };
        yield return new object[] { "overlapping tensors", Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", eight), "overlaps" };
        yield return new object[] { "bytes nobody owns", Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", eight), "belong to none" };
        yield return new object[] { "reversed offsets", Build("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}""", eight), "begin <= end" };
        yield return new object[] { "integer dtype", Build("""{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", eight), "stored as I64" };
        yield return new object[] { "unknown dtype", Build("""{"a":{"dtype":"F31","shape":[1],"data_offsets":[0,8]}}""", eight), "unknown dtype 'F31'" };
        yield return new object[] { "shape too big for bytes", Build("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", eight), "shape [3] of F32 (12 bytes)" };
        yield return new object[] { "negative dimension", Build("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", eight), "needs a string dtype" };
        yield return new object[] { "duplicate name", Build("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", eight), "names 'a' twice" };
        yield return new object[] { "unknown field", Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}""", eight), "unknown field 'x'" };
        yield return new object[] { "not JSON", Build("{nope", eight), "not valid JSON" };
        yield return new object[] { "not an object", Build("[1,2]", eight), "does not start with '{'" };
        yield return new object[] { "metadata not strings", Build("""{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", eight), "is not a string" };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Safetensors_rejects_damaged_files_with_a_clear_reason(string why, byte[] file, string message)
    {
        var ex = Assert.Throws<AnomalyDetectionException>(() => SafeTensors.Read(file, why));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        Assert.Contains(message, ex.Message);
        Assert.Contains($"'{why}'", ex.Message);
    }

    // ---- the layout mapping -----------------------------------------------------------------------------------

    [Fact]
    public void The_fixture_maps_onto_the_dense_network_names_and_shapes()
    {
        PyTorchConfig config = PyTorchConfig.Load(Fixture("config.json"));
        SafeTensorsContent file = SafeTensors.Read(Fixture("model.safetensors"));
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias", "5.weight", "5.bias" }, file.Tensors.Select(t => t.Name));
        Assert.Equal(file.Tensors.Select(t => t.Name), PyTorchLayout.SequentialKeys(config.Layers));

        IReadOnlyList<WeightTensor> dense = PyTorchLayout.ToDense(file.Tensors.Select(t => t.ToWeight()).ToList(), config.Layers);
        Assert.Equal(s_denseNames, dense.Select(w => w.Name));
        Assert.Equal(
            new[] { "12,6", "12", "3,12", "3", "12,3", "12", "6,12", "6" },
            dense.Select(w => string.Join(",", w.Shape)));

        // The same names and shapes as the engine's own network for this architecture.
        TorchRuntime.EnsureLoaded();
        using var net = NetworkFactory.Create(new ModelSpec { Activation = config.ActivationKind }, config.ToShape(), 0);
        Assert.Equal(
            net.named_parameters().Select(p => p.name + ":" + string.Join(",", p.parameter.shape)).OrderBy(s => s, StringComparer.Ordinal),
            dense.Select(w => w.Name + ":" + string.Join(",", w.Shape)).OrderBy(s => s, StringComparer.Ordinal));

        // And back: the sequential names, values untouched.
        IReadOnlyList<WeightTensor> back = PyTorchLayout.ToSequential(dense, config.Layers);
        Assert.Equal(file.Tensors.Select(t => t.Name), back.Select(w => w.Name));
        Assert.All(back.Zip(file.Tensors), p => Assert.Equal(p.Second.Data, p.First.Data));
    }

    [Theory]
    [InlineData(new[] { 4, 2, 4 }, new[] { 0, 1 })]                       // no hidden layer: two Linears side by side
    [InlineData(new[] { 6, 12, 3, 12, 6 }, new[] { 0, 2, 3, 5 })]
    [InlineData(new[] { 8, 16, 8, 2, 8, 16, 8 }, new[] { 0, 2, 4, 5, 7, 9 })]
    public void Sequential_indices_skip_the_activations(int[] layers, int[] indices)
    {
        Assert.Equal(indices, PyTorchLayout.Slots(layers).Select(s => s.SequentialIndex));
    }

    [Fact]
    public void A_missing_key_is_named_with_its_expected_shape()
    {
        List<WeightTensor> w = FixtureWeights();
        w.RemoveAll(t => t.Name == "3.bias");
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchLayout.ToDense(w, new[] { 6, 12, 3, 12, 6 }, "'model.safetensors'"));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        Assert.Equal("'model.safetensors' lacks '3.bias': the Linear layer 2 (3 -> 12) bias [out] of a network with layers [6, 12, 3, 12, 6], shape [12].", ex.Message);
    }

    [Fact]
    public void An_extra_key_is_named_with_the_keys_expected()
    {
        List<WeightTensor> w = FixtureWeights();
        w.Add(new WeightTensor("4.weight", new long[] { 1 }, new float[] { 1 }));
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchLayout.ToDense(w, new[] { 6, 12, 3, 12, 6 }));
        Assert.Contains("holds '4.weight'", ex.Message);
        Assert.Contains("it expects exactly 0.weight, 0.bias, 2.weight, 2.bias, 3.weight, 3.bias, 5.weight, 5.bias.", ex.Message);

        // A state_dict of a module that wraps the Sequential gets a hint.
        List<WeightTensor> wrapped = FixtureWeights().Select(t => t with { Name = "net." + t.Name }).ToList();
        ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchLayout.ToDense(wrapped, new[] { 6, 12, 3, 12, 6 }));
        Assert.Contains("holds 'net.0.weight'", ex.Message);
        Assert.Contains("plain nn.Sequential", ex.Message);
    }

    [Theory]
    [InlineData("2.weight", new long[] { 12, 3 }, "'2.weight' in the weights file has shape [12, 3] but the Linear layer 1 (12 -> 3) weight [out, in] of a network with layers [6, 12, 3, 12, 6] needs [3, 12].")]
    [InlineData("0.bias", new long[] { 1 }, "'0.bias' in the weights file has shape [1] but the Linear layer 0 (6 -> 12) bias [out] of a network with layers [6, 12, 3, 12, 6] needs [12].")] // would broadcast in TorchSharp
    [InlineData("5.weight", new long[] { 72 }, "'5.weight' in the weights file has shape [72] but the Linear layer 3 (12 -> 6) weight [out, in] of a network with layers [6, 12, 3, 12, 6] needs [6, 12].")] // same element count
    public void A_wrong_shape_names_the_key_the_expected_and_the_found_shape(string key, long[] shape, string message)
    {
        List<WeightTensor> w = FixtureWeights();
        int i = w.FindIndex(t => t.Name == key);
        long count = shape.Aggregate(1L, (a, b) => a * b);
        w[i] = new WeightTensor(key, shape, new float[count]);
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchLayout.ToDense(w, new[] { 6, 12, 3, 12, 6 }));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Non_finite_weights_are_refused()
    {
        List<WeightTensor> w = FixtureWeights();
        w[1].Data[5] = float.NaN;
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchLayout.ToDense(w, new[] { 6, 12, 3, 12, 6 }));
        Assert.Contains("'0.bias' in the weights file holds a value that is not a finite number (NaN at element 5)", ex.Message);
    }

    // ---- config.json ------------------------------------------------------------------------------------------

    public static IEnumerable<object[]> BadConfigs()
    {
        yield return new object[] { "layers", (Action<JsonObject>)(c => c["layers"] = new JsonArray(6, 12, 3, 10, 6)), "are not symmetric (12 and 10)" };
        yield return new object[] { "even layers", (Action<JsonObject>)(c => c["layers"] = new JsonArray(6, 12, 12, 6)), "must list an odd number" };
        yield return new object[] { "activation", (Action<JsonObject>)(c => c["activation"] = "Swish"), "activation 'Swish' is not one of" };
        yield return new object[] { "numeric activation", (Action<JsonObject>)(c => c["activation"] = "3"), "activation '3' is not one of" };
        yield return new object[] { "scaler method", (Action<JsonObject>)(c => c["scaler"]!["method"] = "Robust"), "scaler method 'Robust'" };
        yield return new object[] { "scale of 0", (Action<JsonObject>)(c => c["scaler"]!["scale"]![2] = 0), "scales must be positive" };
        yield return new object[] { "subnormal scale", (Action<JsonObject>)(c => c["scaler"]!["scale"]![2] = 1e-320), "input 3 has scale 1E-320" };
        yield return new object[] { "NaN scale", (Action<JsonObject>)(c => c["scaler"]!["scale"]![2] = "NaN"), "cannot be read as a PSAnomalyAE.PyTorch config" };
        yield return new object[] { "huge network", (Action<JsonObject>)(c => c["layers"] = new JsonArray(6, 65536, 65536, 65536, 6)), "needs 8.6 billion weights; PSAnomalyAE loads models of up to 268.4 million" };
        yield return new object[] { "short offset", (Action<JsonObject>)(c => c["scaler"]!["offset"]!.AsArray().RemoveAt(0)), "the scaler has 5 offsets and 6 scales for 6 features" };
        yield return new object[] { "output activation", (Action<JsonObject>)(c => c["outputActivation"] = "Tanh"), "outputActivation 'Tanh'" };
        yield return new object[] { "format", (Action<JsonObject>)(c => c["format"] = "other"), "has format 'other'" };
        yield return new object[] { "extra feature", (Action<JsonObject>)(c => c["features"]!.AsArray().Add("extra")), "lists 7 features but the network's input has 6" };
        yield return new object[] { "duplicate feature", (Action<JsonObject>)(c => c["features"]![1] = "CPU"), "feature names must be non-empty and unique" };
        yield return new object[] { "negative threshold", (Action<JsonObject>)(c => c["threshold"] = -1), "threshold must be" };
        yield return new object[] { "no scaler", (Action<JsonObject>)(c => c.Remove("scaler")), "lacks a scaler" };
        yield return new object[] { "layers as text", (Action<JsonObject>)(c => c["layers"] = "6,3,6"), "cannot be read as a PSAnomalyAE.PyTorch config" };
    }

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void A_bad_config_is_refused_with_the_reason(string what, Action<JsonObject> spoil, string message)
    {
        JsonObject config = JsonNode.Parse(File.ReadAllText(Fixture("config.json")))!.AsObject();
        spoil(config);
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchConfig.Parse(Encoding.UTF8.GetBytes(config.ToJsonString()), what));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void A_newer_config_version_asks_for_a_newer_module()
    {
        JsonObject config = JsonNode.Parse(File.ReadAllText(Fixture("config.json")))!.AsObject();
        config["version"] = 2;
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchConfig.Parse(Encoding.UTF8.GetBytes(config.ToJsonString()), "config.json"));
        Assert.Equal(AnomalyErrorKind.NewerModelFile, ex.Kind);
    }

    // ---- numbers: PyTorch's errors reproduced by the engine ---------------------------------------------------

    [Fact]
    public void A_model_trained_in_PyTorch_scores_rows_exactly_as_PyTorch_did()
    {
        using AnomalyModel model = PyTorchInterop.Import(Fixture("model.safetensors"), Fixture("config.json"));
        PyTorchConfig config = PyTorchConfig.Load(Fixture("config.json"));
        Assert.Equal(config.Features, model.FeatureNames);
        Assert.Equal(config.Threshold, model.Threshold!.Value);
        Assert.Equal(ScalingMethod.ZScore, model.Scaler!.Method);

        (double[] rows, int count) = ReadRows(Fixture("rows.csv"), model.FeatureNames);
        double[] expected = ReadErrors(Fixture("errors.csv"));
        double[] actual = model.Score(rows, count).Scores;
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        _output.WriteLine($"{actual.Length} rows; largest difference from PyTorch's errors: {worst:G3}");
        Assert.True(worst <= 1e-5, $"largest difference from PyTorch's errors: {worst}");

        // The parameters stay trainable (TorchSharp's PyBridge loader would have cleared requires_grad).
        var net = (AutoencoderNet)typeof(AnomalyModel).GetField("_network", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;
        Assert.All(net.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void A_torch_save_file_is_refused_with_the_conversion_to_safetensors()
    {
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchInterop.Import(Fixture("model.pt"), Fixture("config.json")));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        Assert.Contains("is a torch.save file", ex.Message);
        Assert.Contains("save_file(torch.load(", ex.RecommendedAction);
    }

    [SkippableFact]
    public void A_model_exported_for_PyTorch_imports_back_and_PyTorch_scores_it_the_same()
    {
        using var trained = new AnomalyModel(new ModelSpec { Epochs = 5, Seed = 7, HiddenSize = new[] { 10 }, LatentSize = 2, Scoring = ScoreMethod.Reconstruction });
        string[] names = TestData.Names(6);
        trained.Train(names, TestData.LowRank(300, 6, 2, 0.1, 7), 300);
        trained.SetThreshold(new ThresholdChoice(0.5, "Percentile", 99, 60, "test"), Array.Empty<double>());

        string weights = Path.Combine(_dir, "model.safetensors");
        string configPath = Path.Combine(_dir, "config.json");
        PyTorchConfig config = PyTorchInterop.Export(trained, weights, configPath, "round-trip");
        Assert.Equal(new[] { 6, 10, 2, 10, 6 }, config.Layers);
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias", "5.weight", "5.bias" }, SafeTensors.Read(weights).Tensors.Select(t => t.Name));

        using AnomalyModel back = PyTorchInterop.Import(weights, configPath);
        double[] probe = TestData.LowRank(40, 6, 2, 0.3, 1);
        double[] errors = trained.Score(probe, 40).Scores;
        Assert.Equal(errors, back.Score(probe, 40).Scores);
        Assert.Equal(0.5, back.Threshold!.Value);
        Assert.Equal(names, back.FeatureNames);

        // Python with torch rebuilds the nn.Sequential from the export and must find the same errors.
        string rowsPath = Path.Combine(_dir, "rows.csv");
        File.WriteAllLines(rowsPath, new[] { string.Join(",", names) }.Concat(
            Enumerable.Range(0, 40).Select(r => string.Join(",", probe.Skip(r * 6).Take(6).Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));
        File.WriteAllLines(Path.Combine(_dir, "errors.csv"), new[] { "row,error" }.Concat(
            errors.Select((e, i) => $"{i},{e.ToString("R", CultureInfo.InvariantCulture)}")));
        (int exit, string output) = RunPython(Fixture("make_pytorch_fixtures.py"), "--check", _dir, "--rows", rowsPath);
        _output.WriteLine(output);
        Assert.True(exit == 0, output);
        Assert.Contains("max abs diff", output);
    }

    [Fact]
    public void Models_that_are_not_one_plain_Sequential_are_not_exported()
    {
        using var windowed = new AnomalyModel(new ModelSpec { Epochs = 1, Seed = 1, WindowSize = 3 });
        windowed.Train(TestData.Names(4), TestData.LowRank(60, 4, 2, 0.1, 1), 60);
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchInterop.ConfigOf(windowed));
        Assert.Equal(AnomalyErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("reads windows of rows", ex.Message);
    }

    [Fact]
    public void A_model_whose_score_adds_the_neighbour_distance_is_not_exported()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 1, Seed = 1 });
        model.Train(TestData.Names(4), TestData.LowRank(60, 4, 2, 0.1, 1), 60);
        var ex = Assert.Throws<AnomalyDetectionException>(() => PyTorchInterop.ConfigOf(model));
        Assert.Contains("nearest training rows", ex.Message);
        Assert.Contains("-Scoring Reconstruction", ex.Message);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static string Fixture(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Fixtures", "pytorch", name);

    private static List<WeightTensor> FixtureWeights() =>
        SafeTensors.Read(Fixture("model.safetensors")).Tensors.Select(t => t.ToWeight()).ToList();

    private static byte[] Build(string header, byte[] data)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        data.CopyTo(file, 8 + h.Length);
        return file;
    }

    private static byte[] WithLength(byte[] file, ulong length)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        return file;
    }

    private static (double[] Rows, int Count) ReadRows(string path, string[] features)
    {
        string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        string[] header = lines[0].Split(',');
        int[] columns = features.Select(f => Array.IndexOf(header, f)).ToArray();
        Assert.DoesNotContain(-1, columns);
        double[] rows = lines.Skip(1)
            .SelectMany(l => { string[] cells = l.Split(','); return columns.Select(c => double.Parse(cells[c], CultureInfo.InvariantCulture)); })
            .ToArray();
        return (rows, lines.Length - 1);
    }

    private static double[] ReadErrors(string path) =>
        File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();

    private static (int Exit, string Output) RunPython(string script, params string[] args)
    {
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var probe = StartPython(python, "-c", "import torch");
        Skip.If(probe is null || probe.Value.Exit != 0, "python3 with torch is not available for the PyTorch side of the check.");
        var run = StartPython(python, new[] { script }.Concat(args).ToArray());
        return run ?? (1, "python3 did not start");
    }

    private static (int Exit, string Output)? StartPython(string python, params string[] args)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using Process p = Process.Start(info)!;
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(120_000))
            {
                p.Kill();
                return (1, "python3 took over two minutes");
            }

            return (p.ExitCode, output + err.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
