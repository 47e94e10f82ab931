using TorchSharp;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// Native memory has an owner: every tensor the engine creates is disposed by it, and nothing waits for the garbage
/// collector. A tensor left to a finalizer can be freed by a collection on another thread while libtorch still uses it.
/// </summary>
public class NativeMemoryTests
{
    private static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PSAnomalyAE.sln")))
            {
                return Path.Combine(new[] { dir.FullName }.Concat(parts).ToArray());
            }
        }

        throw new InvalidOperationException("The repository root (PSAnomalyAE.sln) was not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Nothing_in_src_forces_a_garbage_collection()
    {
        string src = RepoFile("src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => x.line.Contains("GC.Collect", StringComparison.Ordinal) || x.line.Contains("WaitForPendingFinalizers", StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(src, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "Forced collections in src:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_build_refuses_temporary_scalars_and_forced_collections()
    {
        // The rule is enforced by the banned-API analyzer on every project under src; this checks it stays wired up.
        string props = File.ReadAllText(RepoFile("src", "Directory.Build.props"));
        Assert.Contains("Microsoft.CodeAnalysis.BannedApiAnalyzers", props, StringComparison.Ordinal);
        Assert.Contains("BannedSymbols.txt", props, StringComparison.Ordinal);
        Assert.Contains("RS0030", props, StringComparison.Ordinal);

        string[] banned = File.ReadAllLines(RepoFile("tools", "BannedSymbols.txt"));
        foreach (string required in new[]
        {
            "M:System.GC.Collect;",
            "M:TorchSharp.Scalar.op_Implicit(System.Double)~TorchSharp.Scalar;",
            "M:TorchSharp.Scalar.op_Implicit(System.Int32)~TorchSharp.Scalar;",
            "M:TorchSharp.torch.Tensor.add_(TorchSharp.torch.Tensor);",
            "M:TorchSharp.torch.Tensor.op_Addition(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor);",
        })
        {
            Assert.Contains(banned, line => line.StartsWith(required, StringComparison.Ordinal));
        }
    }

    public static TheoryData<string, ModelSpec> Kinds() => new()
    {
        { "dense", new ModelSpec { Epochs = 3 } },
        { "dense, LeakyReLU", new ModelSpec { Epochs = 3, Activation = ActivationKind.LeakyReLU } },
        { "dense, ELU", new ModelSpec { Epochs = 3, Activation = ActivationKind.ELU } },
        { "sparse", new ModelSpec { Epochs = 3, Kind = AutoencoderKind.Sparse } },
        { "denoising", new ModelSpec { Epochs = 3, Kind = AutoencoderKind.Denoising } },
        { "variational, 3 draws", new ModelSpec { Epochs = 3, Kind = AutoencoderKind.Variational, Samples = 3 } },
        { "convolutional window", new ModelSpec { Epochs = 3, Kind = AutoencoderKind.Convolutional, WindowSize = 8 } },
        { "recurrent window", new ModelSpec { Epochs = 3, Kind = AutoencoderKind.Recurrent, WindowSize = 8 } },
        { "PCA first", new ModelSpec { Epochs = 3, PcaComponents = 4 } },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Training_scoring_and_saving_leave_no_tensor_to_the_collector(string kind, ModelSpec spec)
    {
        TorchRuntime.EnsureLoaded();
        spec.Seed = 5;
        spec.LatentSize = 3;
        spec.Patience = 0;
        double[] data = TestData.LowRank(600, 8, 3, 0.05, seed: 5);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (var model = new AnomalyModel(spec))
        {
            model.Train(TestData.Names(8), data, 600);
            ScoreResult scored = model.Score(data.AsSpan(0, 200 * 8), 200);
            Assert.Equal(200, scored.Rows);
            _ = model.ExportWeights();
            if (spec.WindowSize == 1)
            {
                _ = model.Bottleneck(data, 50);
            }

            using (var further = new AnomalyModel(spec))
            {
                further.ContinueTraining(model, data, 600);
            }

            using var stream = new MemoryStream();
            ModelFile.Save(model, stream);
            using AnomalyModel loaded = ModelFile.Load(stream.ToArray(), kind);
            ScoreResult again = loaded.Score(data.AsSpan(0, 200 * 8), 200);
            Assert.Equal(scored.Scores, again.Scores);
        }

        // Every tensor this thread created has been disposed by its owner, none is waiting for a finalizer. (TorchSharp's
        // process-wide Tensor.TotalCount cannot tell: it never counts down the tensor a Parameter is made from.)
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after == before, $"{kind}: {after - before} tensors were left alive on this thread ({DisposeScopeManager.Statistics}).");
    }
}
