using PSAnomalyAE.Engine;
using PSAnomalyAE.Engine.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Tests;

public class FlatAdamTests
{
    private const int Steps = 40;
    private const double LearningRate = 5e-3;
    private readonly ITestOutputHelper _output;

    public FlatAdamTests(ITestOutputHelper output) => _output = output;

    private static (ModelSpec Spec, NetworkShape Shape) Arch(AutoencoderKind kind) => kind switch
    {
        AutoencoderKind.Recurrent => (new ModelSpec { Kind = kind, WindowSize = 6 }, new NetworkShape(4, new[] { 8 }, 2, false)),
        _ => (new ModelSpec { Kind = kind }, new NetworkShape(20, new[] { 16 }, 4, false)),
    };

    private static AutoencoderNet Build((ModelSpec Spec, NetworkShape Shape) a)
    {
        lock (TorchRuntime.SeedLock)
        {
            random.manual_seed(11);
            return NetworkFactory.Create(a.Spec, a.Shape, 11);
        }
    }

    // Rows driven by three latent factors, so an autoencoder can learn them.
    private static Tensor Data((ModelSpec Spec, NetworkShape Shape) a)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        return randn(new long[] { 512, 3 }, generator: g).matmul(randn(new long[] { 3, a.Shape.InputSize * a.Spec.WindowSize }, generator: g)).MoveToOuterDisposeScope();
    }

    // Minibatches of 64 rows in a fixed order.
    private static Tensor Batch(Tensor x, int step) => x.narrow(0, (step % 8) * 64, 64);

    private static (float[] Losses, float[] Weights) TrainWithTorchAdam((ModelSpec Spec, NetworkShape Shape) a)
    {
        using AutoencoderNet net = Build(a);
        using Tensor x = Data(a);
        using var opt = optim.Adam(net.parameters(), LearningRate);
        var losses = new float[Steps];
        for (int s = 0; s < Steps; s++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            Tensor loss = net.Loss(Batch(x, s)).Total;
            loss.backward();
            opt.step();
            losses[s] = loss.item<float>();
        }

        return (losses, Flatten(net));
    }

    private static (float[] Losses, float[] Weights) TrainWithFlatAdam((ModelSpec Spec, NetworkShape Shape) a)
    {
        using AutoencoderNet net = Build(a);
        using Tensor x = Data(a);
        using var opt = new FlatAdam(net, LearningRate);
        var losses = new float[Steps];
        for (int s = 0; s < Steps; s++)
        {
            using var scope = NewDisposeScope();
            opt.ZeroGrad();
            Tensor loss = net.Loss(Batch(x, s)).Total;
            loss.backward();
            opt.Step();
            losses[s] = loss.item<float>();
        }

        opt.CheckBinding();
        return (losses, Flatten(net));
    }

    private static float[] Flatten(nn.Module net)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return cat(net.parameters().Select(p => p.detach().flatten()).ToList(), 0).data<float>().ToArray();
    }

    private static double MaxRelative(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double scale = Math.Max(Math.Abs(a[i]), Math.Abs(b[i]));
            if (scale > 0)
            {
                worst = Math.Max(worst, Math.Abs(a[i] - b[i]) / scale);
            }
        }

        return worst;
    }

    [Theory]
    [InlineData(AutoencoderKind.Dense)]
    [InlineData(AutoencoderKind.Recurrent)]
    public void FlatAdam_gives_the_losses_of_TorchSharps_Adam(AutoencoderKind kind)
    {
        TorchRuntime.EnsureLoaded();
        var a = Arch(kind);
        (float[] refLosses, float[] refWeights) = TrainWithTorchAdam(a);
        (float[] flatLosses, float[] flatWeights) = TrainWithFlatAdam(a);
        int identical = refLosses.Zip(flatLosses).Count(p => p.First == p.Second);
        double lossDiff = MaxRelative(refLosses, flatLosses), weightDiff = MaxRelative(refWeights, flatWeights);
        _output.WriteLine($"{kind}: {identical}/{Steps} losses bit-identical; max relative difference: losses {lossDiff:G3}, weights after {Steps} steps {weightDiff:G3}; loss {refLosses[0]:G5} -> {refLosses[^1]:G5}");

        // Steps 0 and Steps - 8 see the same batch.
        Assert.True(refLosses[Steps - 8] < refLosses[0], "training should lower the loss");

        // FlatAdam runs the same native kernels as TorchSharp's Adam with the same scalars, in the same order, and
        // backward() writes the same gradients (accumulated onto zeros), so every element is computed identically:
        // the losses and weights are bit-identical, not merely close.
        Assert.Equal(refLosses, flatLosses);
        Assert.Equal(refWeights, flatWeights);
    }

    [Fact]
    public void Parameters_and_gradients_stay_views_of_the_flat_buffers()
    {
        TorchRuntime.EnsureLoaded();
        var a = Arch(AutoencoderKind.Recurrent);
        using AutoencoderNet net = Build(a);
        using Tensor x = Data(a);
        var before = net.named_parameters().Select(p => (p.name, p.parameter.detach().clone())).ToList();
        float[] initial = Flatten(net);

        using var opt = new FlatAdam(net, 1e-2);
        Assert.Equal(net.named_parameters().Count(), opt.ParameterCount);
        Assert.Equal(initial.Length, opt.ElementCount);

        // Rebinding kept every value, in named_parameters order.
        Assert.Equal(initial, opt.FlatParameters.data<float>().ToArray());
        opt.CheckBinding();

        // backward() accumulates into the flat gradient buffer: twice the same loss is twice the gradient.
        opt.ZeroGrad();
        using (NewDisposeScope())
        {
            net.Loss(x).Total.backward();
        }

        opt.CheckBinding();
        float[] once = opt.FlatGradients.data<float>().ToArray();
        Assert.True(once.Count(v => v != 0) > once.Length / 2, "backward should write into the flat gradient buffer");
        using (NewDisposeScope())
        {
            net.Loss(x).Total.backward();
        }

        float[] twice = opt.FlatGradients.data<float>().ToArray();
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i], 1e-6f);
        }

        // A step changes the module's own parameters, and ZeroGrad keeps the gradients defined.
        opt.Step();
        opt.ZeroGrad();
        opt.CheckBinding();
        Assert.All(net.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(opt.FlatGradients.data<float>().ToArray(), v => Assert.Equal(0f, v));
        foreach (var (name, old) in before)
        {
            using (old)
            {
                Tensor now = net.get_parameter(name) ?? throw new InvalidOperationException($"{name} is gone");
                Assert.False(now.allclose(old, rtol: 0, atol: 0), $"{name} did not change");
            }
        }

        Assert.Equal(Flatten(net), opt.FlatParameters.data<float>().ToArray());

        // Weights copied in by name (as the model file and early stopping do) land in the flat buffer.
        var saved = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        opt.Step();
        Assert.NotEqual(saved.Values.Select(t => t.data<float>().ToArray()).SelectMany(v => v).ToArray(), Flatten(net));
        using (no_grad())
        {
            foreach (var (name, p) in net.named_parameters())
            {
                p.copy_(saved[name]);
            }
        }

        Assert.Equal(saved.Values.Select(t => t.data<float>().ToArray()).SelectMany(v => v).ToArray(), opt.FlatParameters.data<float>().ToArray());
        opt.CheckBinding();

        // The state dict round-trips through the views too.
        var state = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        opt.Step();
        net.load_state_dict(state);
        opt.CheckBinding();
        Assert.Equal(saved.Values.Select(t => t.data<float>().ToArray()).SelectMany(v => v).ToArray(), Flatten(net));
        foreach (Tensor t in saved.Values.Concat(state.Values))
        {
            t.Dispose();
        }
    }

    [Fact]
    public void Setting_a_gradient_to_null_is_reported()
    {
        TorchRuntime.EnsureLoaded();
        using AutoencoderNet net = Build(Arch(AutoencoderKind.Dense));
        using var opt = new FlatAdam(net);
        opt.CheckBinding();
        net.parameters().First().grad = null;
        Assert.Throws<InvalidOperationException>(opt.CheckBinding);
    }
}
