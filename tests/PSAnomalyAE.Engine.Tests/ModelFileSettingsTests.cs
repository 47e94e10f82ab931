using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PSAnomalyAE.Engine.Persistence;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// A model file saves the ModelSpec itself as its settings: the same names, order and omissions as every earlier
/// version wrote, so a reordered or renamed ModelSpec property shows up here, not in users' files.
/// </summary>
public class ModelFileSettingsTests
{
    private static string Settings(byte[] file)
    {
        string header = Encoding.UTF8.GetString(file, 16, BitConverter.ToInt32(file, 12));
        int start = header.IndexOf("\"Spec\":", StringComparison.Ordinal);
        return header[start..header.IndexOf(",\"Features\":", start, StringComparison.Ordinal)];
    }

    private static byte[] Save(AnomalyModel model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    }

    [Theory]
    [MemberData(nameof(ModelFileCompatibilityTests.Models), MemberType = typeof(ModelFileCompatibilityTests))]
    public void A_golden_model_saved_again_writes_its_settings_byte_for_byte(string name)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "golden", name + ".aemodel"));
        using AnomalyModel model = ModelFile.Load(original, name);
        Assert.Equal(Settings(original), Settings(Save(model)));
    }

    [Fact]
    public void The_header_is_written_as_the_serializer_s_reflection_writes_the_same_records()
    {
        // The header's contract is generated at build time (ModelFileJson): it must write what reflection over the
        // same records writes (names, order, enum names, omitted nulls), so that an attribute the generator reads
        // otherwise shows up here, not in users' files. The settings inside are pinned by the tests around this one.
        var spec = new ModelSpec { Epochs = 2, Seed = 5, HiddenSize = new[] { 8 }, LatentSize = 2, PcaComponents = 4, Scoring = ScoreMethod.Auto };
        using var model = new AnomalyModel(spec);
        model.Train(TestData.Names(6), TestData.LowRank(300, 6, 2, 0.1, 5), 300);
        model.SetThreshold(new ThresholdChoice(1.25, "Percentile", 99, 60, "test"), new[] { 0.5, 1.0 });
        byte[] file = Save(model);
        byte[] written = file.AsSpan(16, BitConverter.ToInt32(file, 12)).ToArray();

        var reflection = new JsonSerializerOptions
        {
            Converters = { new JsonStringEnumConverter() },
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        ModelRecord record = JsonSerializer.Deserialize<ModelRecord>(written, ModelFileHeader.Json)!;
        Assert.NotNull(record.ScoreChoice);
        Assert.NotNull(record.Pca);
        Assert.NotNull(record.Threshold);
        Assert.Equal(Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(record, reflection)), Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void The_settings_keep_their_order_omit_what_is_not_part_of_the_model_and_load_back()
    {
        var spec = new ModelSpec { Epochs = 2, Seed = 7, HiddenSize = new[] { 6 }, LatentSize = 2, Scaling = ScalingMethod.MinMax, Property = TestData.Names(4), ThreadCount = 1 };
        using var model = new AnomalyModel(spec);
        model.Train(TestData.Names(4), TestData.LowRank(200, 4, 2, 0.1, 7), 200);
        byte[] file = Save(model);
        Assert.Equal(
            "\"Spec\":{\"HiddenSize\":[6],\"LatentSize\":2,\"Activation\":\"ReLU\",\"Scaling\":\"MinMax\",\"Kind\":\"Dense\",\"SparsityWeight\":0.001,"
            + "\"KLWeight\":1,\"Samples\":1,\"NoiseLevel\":0.1,\"WindowSize\":1,\"Stride\":1,\"Epochs\":2,\"BatchSize\":64,\"LearningRate\":0.001,"
            + "\"ValidationFraction\":0.2,\"Patience\":10,\"Seed\":7,\"Property\":[\"f0\",\"f1\",\"f2\",\"f3\"],\"Score\":\"ReconstructionAndDistance\"}",
            Settings(file));

        using AnomalyModel loaded = ModelFile.Load(file, "m");
        Assert.Equal(ScoreMethod.ReconstructionAndDistance, loaded.Spec.Scoring);
        Assert.Equal(TestData.Names(4), loaded.Spec.Property);
        Assert.Null(loaded.Spec.ThreadCount);
    }

    [Fact]
    public void A_model_scored_by_its_reconstruction_error_alone_writes_no_score_and_loads_as_such()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 1, Seed = 3, Scoring = ScoreMethod.Reconstruction });
        model.Train(TestData.Names(3), TestData.LowRank(100, 3, 1, 0.1, 3), 100);
        byte[] file = Save(model);
        Assert.DoesNotContain("\"Score\"", Settings(file), StringComparison.Ordinal);
        using AnomalyModel loaded = ModelFile.Load(file, "m");
        Assert.Equal(ScoreMethod.Reconstruction, loaded.Spec.Scoring);
    }

    [Fact]
    public void A_clone_copies_every_setting_and_shares_no_array()
    {
        var spec = new ModelSpec { HiddenSize = new[] { 8 }, ImageShape = new[] { 2, 2 }, Kind = AutoencoderKind.Convolutional, Property = new[] { "a" }, ThreadCount = 3, Device = ComputeDevice.Cuda };
        ModelSpec copy = spec.Clone();
        copy.HiddenSize![0] = 9;
        copy.Property![0] = "b";
        Assert.Equal(8, spec.HiddenSize[0]);
        Assert.Equal("a", spec.Property[0]);
        Assert.Equal(new[] { 2, 2 }, copy.ImageShape);
        Assert.NotSame(spec.ImageShape, copy.ImageShape);
        Assert.Equal((3, ComputeDevice.Cuda, AutoencoderKind.Convolutional), (copy.ThreadCount, copy.Device, copy.Kind));
    }

    [Fact]
    public void The_network_settings_that_differ_are_named_as_the_model_shows_them()
    {
        var trained = new ModelSpec { Property = new[] { "CPU" }, HiddenSize = new[] { 8 } };
        var same = new ModelSpec { Property = new[] { "cpu" }, HiddenSize = new[] { 8 }, Epochs = 5, ExcludeProperty = Array.Empty<string>() };
        Assert.Empty(same.NetworkSettingsChangedFrom(trained));
        var changed = new ModelSpec { Property = new[] { "cpu" }, Kind = AutoencoderKind.Sparse, Scoring = ScoreMethod.Reconstruction };
        Assert.Equal(new[] { "Architecture", "HiddenSize", "Scoring" }, changed.NetworkSettingsChangedFrom(trained));
    }
}
