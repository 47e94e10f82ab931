using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PSAnomalyAE.Engine;

/// <summary>The network's shape: enough to rebuild it from a file.</summary>
public sealed record Architecture(string Kind, int InputSize, int[] HiddenSize, int LatentSize, ActivationKind Activation, bool SigmoidOutput)
{
    public const string Dense = "Dense";
}

/// <summary>A dense autoencoder: encoder layers down to a linear bottleneck, a mirrored decoder, linear or sigmoid output.</summary>
internal sealed class DenseAutoencoder : Module<Tensor, Tensor>
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;

    public DenseAutoencoder(Architecture a)
        : base(nameof(DenseAutoencoder))
    {
        var enc = new List<(string, Module<Tensor, Tensor>)>();
        int width = a.InputSize;
        int n = 0;
        foreach (int h in a.HiddenSize)
        {
            enc.Add(($"{n++}", Linear(width, h)));
            enc.Add(($"{n++}", MakeActivation(a.Activation)));
            width = h;
        }

        enc.Add(($"{n}", Linear(width, a.LatentSize)));

        var dec = new List<(string, Module<Tensor, Tensor>)>();
        width = a.LatentSize;
        n = 0;
        foreach (int h in Enumerable.Reverse(a.HiddenSize))
        {
            dec.Add(($"{n++}", Linear(width, h)));
            dec.Add(($"{n++}", MakeActivation(a.Activation)));
            width = h;
        }

        dec.Add(($"{n++}", Linear(width, a.InputSize)));
        if (a.SigmoidOutput)
        {
            dec.Add(($"{n}", Sigmoid()));
        }

        encoder = Sequential(enc);
        decoder = Sequential(dec);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return decoder.forward(encoder.forward(input)).MoveToOuterDisposeScope();
    }

    public Tensor Encode(Tensor input) => encoder.forward(input);

    private static Module<Tensor, Tensor> MakeActivation(ActivationKind kind) => kind switch
    {
        ActivationKind.ReLU => ReLU(),
        ActivationKind.LeakyReLU => LeakyReLU(0.01),
        ActivationKind.Tanh => Tanh(),
        ActivationKind.Sigmoid => Sigmoid(),
        ActivationKind.ELU => ELU(),
        ActivationKind.GELU => GELU(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
