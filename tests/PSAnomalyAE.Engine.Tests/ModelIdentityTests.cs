using System.Text.Json.Nodes;
using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>A model's name and description travel in its file; a model loaded from a file knows which file, and is named after it when saved unnamed.</summary>
public sealed class ModelIdentityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psae-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AnomalyModel Trained()
    {
        var model = new AnomalyModel(new ModelSpec { Epochs = 2, Seed = 3, HiddenSize = new[] { 6 }, LatentSize = 2 });
        model.Train(TestData.Names(4), TestData.LowRank(120, 4, 2, 0.1, 3), 120);
        return model;
    }

    private static JsonObject Header(byte[] file) => JsonNode.Parse(file.AsSpan(16, BitConverter.ToInt32(file, 12)))!.AsObject();

    [Fact]
    public void Name_and_description_are_saved_and_loaded()
    {
        using AnomalyModel model = Trained();
        model.Name = "web01";
        model.Description = "CPU and latency of web01";
        string path = Path.Combine(_dir, "renamed-copy.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);

        using AnomalyModel loaded = ModelFile.Load(path);
        Assert.Equal("web01", loaded.Name);
        Assert.Equal("CPU and latency of web01", loaded.Description);
        Assert.Equal(Path.GetFullPath(path), loaded.SourcePath);
        Assert.Equal("web01", (string?)Header(File.ReadAllBytes(path))["Name"]);
    }

    [Fact]
    public void An_unnamed_model_is_saved_without_the_fields_and_named_after_its_file_on_load()
    {
        using AnomalyModel model = Trained();
        Assert.Null(model.SourcePath);
        string path = Path.Combine(_dir, "db02.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);

        JsonObject header = Header(File.ReadAllBytes(path));
        Assert.False(header.ContainsKey("Name"));
        Assert.False(header.ContainsKey("Description"));

        using AnomalyModel loaded = ModelFile.Load(path);
        Assert.Equal("db02", loaded.Name);
        Assert.Null(loaded.Description);
        using AnomalyModel fromBytes = ModelFile.Load(File.ReadAllBytes(path), "db02");
        Assert.Null(fromBytes.Name);
        Assert.Null(fromBytes.SourcePath);
    }
}
