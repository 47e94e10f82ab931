using System.Text;
using System.Text.Json.Nodes;
using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// Small model files whose headers ask for what no model has: huge networks, sizes below 1, tensor tables that
/// overflow, unknown kinds, bad thresholds, repeated features, scalers that cannot give finite scores. Each is refused
/// as an invalid model file, before any network is built, by Import (Load) and by Get-AEModelInfo (ModelFileInfo).
/// </summary>
public sealed class HostileModelTests : IDisposable
{
    private static readonly Lazy<byte[]> s_file = new(() =>
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 2, Seed = 3, HiddenSize = new[] { 12 }, LatentSize = 2, Scoring = ScoreMethod.Reconstruction });
        model.Train(TestData.Names(6), TestData.LowRank(200, 6, 2, 0.1, 7), 200);
        model.SetThreshold(new ThresholdChoice(1.5, "Percentile", 99, 40, "test"), new[] { 1.0, 2.0 });
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        return stream.ToArray();
    });

    private readonly string _dir = Directory.CreateTempSubdirectory("psae-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, Action<JsonObject>, string> Hostile() => new()
    {
        { "65536 x 65536", h => SetBoth(h, "HiddenSize", new JsonArray(65536, 65536)), "hidden size 65536 x 65536 and latent size 2 over 6 inputs needs 8.6 billion weights; PSAnomalyAE loads models of up to 268.4 million" },
        { "recurrent 65536", h => { SetBoth(h, "HiddenSize", new JsonArray(65536)); h["Spec"]!["Kind"] = "Recurrent"; h["Architecture"]!["Kind"] = "Recurrent"; }, "Recurrent network with hidden size 65536" },
        { "latent -1", h => h["Architecture"]!["LatentSize"] = -1, "latent size -1 is not between 1 and 65536" },
        { "hidden 0", h => h["Architecture"]!["HiddenSize"] = new JsonArray(0), "hidden size [0] needs 1 or more layers" },
        { "no hidden", h => h["Architecture"]!["HiddenSize"] = new JsonArray(), "hidden size [] needs 1 or more layers" },
        { "window 10^9", h => h["Spec"]!["WindowSize"] = 1_000_000_000, "WindowSize must be between 1 and" },
        { "unknown kind", h => h["Spec"]!["Kind"] = 99, "unknown architecture" },
        { "tensor length overflow", h => Tensor(h, 0)["Length"] = long.MaxValue, "is inconsistent" },
        { "tensor offset overflow", h => Tensor(h, 1)["Offset"] = long.MaxValue, "is inconsistent" },
        { "tensor shape overflow", h => Tensor(h, 0)["Shape"] = new JsonArray(1L << 32, 1L << 32, 0), "is inconsistent" },
        { "threshold -5", h => h["Threshold"]!["Value"] = -5, "its threshold -5 is not a finite number of 0 or more" },
        { "duplicate feature", h => h["Features"]![3] = "F1", "its feature 'f1' is listed more than once" },
        { "scale 0", h => h["Scaling"]!["Scale"]![2] = 0, "input 3 has scale 0" },
        { "scale 1e-320", h => h["Scaling"]!["Scale"]![2] = 1e-320, "input 3 has scale 1E-320" },
        { "scale -1", h => h["Scaling"]!["Scale"]![2] = -1, "input 3 has scale -1" },
        { "PCA count 10^9", h => h["Pca"] = new JsonObject { ["Mean"] = new JsonArray(0, 0), ["Components"] = new JsonArray(), ["Count"] = 1_000_000_000, ["ExplainedVariance"] = 1 }, "its PCA basis of 1000000000 components" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_header_is_refused_as_an_invalid_model_file_by_import_and_by_info(string what, Action<JsonObject> edit, string message)
    {
        byte[] file = WithHeader(s_file.Value, edit);
        var load = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(file, what));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, load.Kind);
        Assert.True(load.Message.Contains(message, StringComparison.Ordinal), load.Message);

        string path = Path.Combine(_dir, "hostile.aemodel");
        File.WriteAllBytes(path, file);
        var info = Assert.Throws<AnomalyDetectionException>(() => ModelFileInfo.Read(path));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, info.Kind);
        Assert.True(info.Message.Contains(message, StringComparison.Ordinal), info.Message);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    public void A_threshold_JSON_cannot_hold_as_a_finite_number_is_refused(string value)
    {
        byte[] file = WithHeader(s_file.Value, h => h["Threshold"]!["Value"] = 12345.25, text => text.Replace("12345.25", value, StringComparison.Ordinal));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(file, "m")).Kind);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_network_are_refused_at_once_or_at_first_use_when_built_in_the_background()
    {
        byte[] file = WithHeader(s_file.Value, h => Tensor(h, 0)["Name"] = "encoder.renamed");
        var atOnce = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(file, "m"));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, atOnce.Kind);
        Assert.Contains("unknown: encoder.renamed", atOnce.Message, StringComparison.Ordinal);

        string path = Path.Combine(_dir, "renamed.aemodel");
        File.WriteAllBytes(path, file);
        using AnomalyModel beside = ModelFile.Load(path, null, buildInBackground: true);
        foreach (int _ in new[] { 1, 2 })
        {
            var atUse = Assert.Throws<AnomalyDetectionException>(() => beside.Score(new double[6], 1));
            Assert.Equal(AnomalyErrorKind.InvalidModelFile, atUse.Kind);
            Assert.Equal(atOnce.Message, atUse.Message);
        }
    }

    [Fact]
    public void The_original_file_still_loads()
    {
        using AnomalyModel model = ModelFile.Load(WithHeader(s_file.Value, _ => { }), "m");
        Assert.Equal(1.5, model.Threshold!.Value);
    }

    public static TheoryData<string, ModelSpec> Kinds() => new()
    {
        { "dense", new ModelSpec { HiddenSize = new[] { 10, 5 }, LatentSize = 2 } },
        { "variational window", new ModelSpec { Kind = AutoencoderKind.Variational, WindowSize = 3, LatentSize = 3 } },
        { "convolutional window", new ModelSpec { Kind = AutoencoderKind.Convolutional, WindowSize = 4, LatentSize = 3 } },
        { "convolutional image", new ModelSpec { Kind = AutoencoderKind.Convolutional, ImageShape = new[] { 2, 3 }, HiddenSize = new[] { 4 }, LatentSize = 2 } },
        { "recurrent window", new ModelSpec { Kind = AutoencoderKind.Recurrent, WindowSize = 4, HiddenSize = new[] { 7 }, LatentSize = 3 } },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_weight_count_from_the_sizes_is_the_network_s(string what, ModelSpec spec)
    {
        spec.Epochs = 1;
        spec.Seed = 1;
        spec.Scoring = ScoreMethod.Reconstruction;
        using var model = new AnomalyModel(spec);
        model.Train(TestData.Names(6), TestData.LowRank(60, 6, 2, 0.1, 7), 60);
        Assert.True(model.ParameterCount == (long)model.Shape!.WeightCount(model.Spec), what);
        Assert.Null(model.Shape.Problem(model.Spec));
    }

    [Fact]
    public void A_score_choice_whose_terms_are_marked_otherwise_is_refused()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 2, Seed = 3, HiddenSize = new[] { 12 }, LatentSize = 2, Scoring = ScoreMethod.Auto });
        model.Train(TestData.Names(6), TestData.LowRank(300, 6, 2, 0.1, 7), 300);
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        byte[] file = stream.ToArray();
        using (ModelFile.Load(WithHeader(file, _ => { }), "m"))
        {
        }

        // Every candidate's terms are kept; those outside the chosen score are marked "InScore": false. Flip every mark.
        byte[] flipped = WithHeader(file, h =>
        {
            foreach (JsonObject term in h["ScoreTerms"]!.AsArray().Select(t => t!.AsObject()))
            {
                if (term["InScore"] is null)
                {
                    term["InScore"] = false;
                }
                else
                {
                    term.Remove("InScore");
                }
            }
        });
        var ex = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(flipped, "m"));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        Assert.Contains("do not match its chosen score", ex.Message, StringComparison.Ordinal);
    }

    private static void SetBoth(JsonObject header, string name, JsonNode value)
    {
        header["Spec"]![name] = value;
        header["Architecture"]![name] = value.DeepClone();
    }

    private static JsonObject Tensor(JsonObject header, int index) => header["Tensors"]![index]!.AsObject();

    /// <summary>A model file with its JSON header edited (then its text) and its checksum made good again.</summary>
    private static byte[] WithHeader(byte[] file, Action<JsonObject> edit, Func<string, string>? text = null)
    {
        int length = BitConverter.ToInt32(file, 12);
        JsonObject header = JsonNode.Parse(Encoding.UTF8.GetString(file, 16, length))!.AsObject();
        edit(header);
        byte[] json = Encoding.UTF8.GetBytes((text ?? (t => t))(header.ToJsonString()));
        byte[] body = file[..12].Concat(BitConverter.GetBytes(json.Length)).Concat(json).Concat(file[(16 + length)..^32]).ToArray();
        return body.Concat(System.Security.Cryptography.SHA256.HashData(body)).ToArray();
    }
}
