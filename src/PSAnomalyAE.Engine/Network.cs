using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PSAnomalyAE.Engine;

/// <summary>The kinds of autoencoder the engine builds.</summary>
public enum AutoencoderKind
{
    /// <summary>Dense layers down to a linear bottleneck and back.</summary>
    Dense,
    /// <summary>Dense, with a ReLU bottleneck whose activations carry an L1 penalty, so few of them are active per row.</summary>
    Sparse,
    /// <summary>A variational autoencoder: the encoder gives a mean and log-variance; loss = reconstruction + beta x KL.</summary>
    Variational,
    /// <summary>Dense, trained to reconstruct clean rows from rows with Gaussian noise added (training only).</summary>
    Denoising,
}

/// <summary>The network's shape and kind: enough to rebuild it from a file.</summary>
public sealed record Architecture(string Kind, int InputSize, int[] HiddenSize, int LatentSize, ActivationKind Activation, bool SigmoidOutput)
{
    public const string Dense = "Dense";

    /// <summary>Sparse: the weight of the L1 penalty on the bottleneck activations.</summary>
    public double SparsityWeight { get; init; }

    /// <summary>Variational: beta, the weight of the KL term.</summary>
    public double KLWeight { get; init; } = 1;

    /// <summary>Variational: reconstructions averaged at scoring time (1 = the reconstruction of the mean).</summary>
    public int Samples { get; init; } = 1;

    /// <summary>Denoising: the standard deviation of the noise added to scaled inputs during training.</summary>
    public double NoiseLevel { get; init; }

    public AutoencoderKind KindValue => Enum.TryParse(Kind, out AutoencoderKind k)
        ? k
        : throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The model file names an unknown network kind '{Kind}'.");
}

/// <summary>A training loss and its parts: reconstruction, and the kind's penalty (sparsity or KL) when it has one.</summary>
internal readonly record struct LossParts(Tensor Total, Tensor Reconstruction, Tensor? Penalty);

/// <summary>
/// The autoencoder network of every dense kind: encoder layers down to the bottleneck, a mirrored decoder, a linear
/// output (sigmoid with min-max scaling). The kind decides the bottleneck and the training loss.
/// </summary>
internal sealed class Autoencoder : Module<Tensor, Tensor>
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;
    private readonly Architecture _arch;
    private readonly AutoencoderKind _kind;
    private readonly Generator _noise;

    public Autoencoder(Architecture a, long seed)
        : base(nameof(Autoencoder))
    {
        _arch = a;
        _kind = a.KindValue;
        _noise = new Generator((ulong)seed);
        var enc = new List<(string, Module<Tensor, Tensor>)>();
        int width = a.InputSize;
        int n = 0;
        foreach (int h in a.HiddenSize)
        {
            enc.Add(($"{n++}", Linear(width, h)));
            enc.Add(($"{n++}", MakeActivation(a.Activation)));
            width = h;
        }

        // The variational encoder gives a mean and a log-variance per bottleneck unit.
        enc.Add(($"{n}", Linear(width, _kind == AutoencoderKind.Variational ? 2 * a.LatentSize : a.LatentSize)));

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

    /// <summary>The deterministic reconstruction used for scoring (a VAE decodes its mean, or averages -Samples draws).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        if (_kind != AutoencoderKind.Variational || _arch.Samples <= 1)
        {
            return decoder.forward(Encode(input)).MoveToOuterDisposeScope();
        }

        (Tensor mu, Tensor logVar) = Split(encoder.forward(input));
        Tensor sum = torch.zeros_like(input);
        for (int s = 0; s < _arch.Samples; s++)
        {
            sum = sum + decoder.forward(Sample(mu, logVar));
        }

        return (sum / _arch.Samples).MoveToOuterDisposeScope();
    }

    /// <summary>The bottleneck activations: the mean for a VAE, ReLU-ed for the sparse kind.</summary>
    public Tensor Encode(Tensor input) => _kind switch
    {
        AutoencoderKind.Variational => Split(encoder.forward(input)).Mu,
        AutoencoderKind.Sparse => functional.relu(encoder.forward(input)),
        _ => encoder.forward(input),
    };

    /// <summary>The training loss of a batch, by kind.</summary>
    public LossParts Loss(Tensor x)
    {
        switch (_kind)
        {
            case AutoencoderKind.Sparse:
            {
                Tensor z = Encode(x);
                Tensor recon = functional.mse_loss(decoder.forward(z), x);
                Tensor penalty = z.abs().mean() * _arch.SparsityWeight;
                return new LossParts(recon + penalty, recon, penalty);
            }

            case AutoencoderKind.Denoising:
            {
                Tensor noisy = x + (torch.randn(x.shape, generator: _noise) * _arch.NoiseLevel);
                Tensor recon = functional.mse_loss(decoder.forward(encoder.forward(noisy)), x);
                return new LossParts(recon, recon, null);
            }

            case AutoencoderKind.Variational:
            {
                (Tensor mu, Tensor logVar) = Split(encoder.forward(x));
                Tensor recon = functional.mse_loss(decoder.forward(Sample(mu, logVar)), x);
                // KL(q(z|x) || N(0, I)) per row, averaged over the batch, and per input so it weighs like the MSE.
                Tensor kl = (-0.5 * (1 + logVar - mu.pow(2) - logVar.exp())).sum(1).mean() / _arch.InputSize;
                Tensor penalty = kl * _arch.KLWeight;
                return new LossParts(recon + penalty, recon, penalty);
            }

            default:
            {
                Tensor recon = functional.mse_loss(forward(x), x);
                return new LossParts(recon, recon, null);
            }
        }
    }

    private (Tensor Mu, Tensor LogVar) Split(Tensor h)
    {
        int latent = _arch.LatentSize;
        return (h.narrow(1, 0, latent), h.narrow(1, latent, latent).clamp(-10, 10));
    }

    private Tensor Sample(Tensor mu, Tensor logVar) =>
        mu + ((0.5 * logVar).exp() * torch.randn(mu.shape, generator: _noise));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _noise.Dispose();
        }

        base.Dispose(disposing);
    }

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
