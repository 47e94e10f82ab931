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
    /// <summary>1-D convolutions along a window of consecutive rows, a dense bottleneck, and convolutions back.</summary>
    Convolutional,
    /// <summary>An LSTM encoder over a window of consecutive rows, a bottleneck, and an LSTM decoder.</summary>
    Recurrent,
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

    /// <summary>Consecutive rows the network reads at once (1: each row alone). InputSize is the width of one row.</summary>
    public int WindowSize { get; init; } = 1;

    /// <summary>Convolutional over images: each row is a grid of ImageHeight x ImageWidth values (0: not an image).</summary>
    public int ImageHeight { get; init; }

    public int ImageWidth { get; init; }

    /// <summary>Values the network reads per sample: a row, or a whole window.</summary>
    public int SampleSize => InputSize * WindowSize;

    public AutoencoderKind KindValue => Enum.TryParse(Kind, out AutoencoderKind k)
        ? k
        : throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The model file names an unknown network kind '{Kind}'.");
}

/// <summary>A training loss and its parts: reconstruction, and the kind's penalty (sparsity or KL) when it has one.</summary>
internal readonly record struct LossParts(Tensor Total, Tensor Reconstruction, Tensor? Penalty);

/// <summary>What every network offers the training loop and the scorer.</summary>
internal abstract class AutoencoderNet : Module<Tensor, Tensor>
{
    protected AutoencoderNet(string name)
        : base(name)
    {
    }

    /// <summary>The training loss of a batch of samples (rows or flattened windows).</summary>
    public abstract LossParts Loss(Tensor x);

    /// <summary>The bottleneck activations of a batch.</summary>
    public abstract Tensor Encode(Tensor x);

    /// <summary>Builds the network an architecture describes.</summary>
    public static AutoencoderNet Create(Architecture a, long seed) => a.KindValue switch
    {
        AutoencoderKind.Convolutional => new ConvolutionalAutoencoder(a),
        AutoencoderKind.Recurrent => new RecurrentAutoencoder(a),
        _ => new Autoencoder(a, seed),
    };

    protected static Module<Tensor, Tensor> MakeActivation(ActivationKind kind) => kind switch
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

/// <summary>
/// The autoencoder network of every dense kind: encoder layers down to the bottleneck, a mirrored decoder, a linear
/// output (sigmoid with min-max scaling). The kind decides the bottleneck and the training loss. With windows it
/// reads each window flattened.
/// </summary>
internal sealed class Autoencoder : AutoencoderNet
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
        int width = a.SampleSize;
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

        dec.Add(($"{n++}", Linear(width, a.SampleSize)));
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
    public override Tensor Encode(Tensor input) => _kind switch
    {
        AutoencoderKind.Variational => Split(encoder.forward(input)).Mu,
        AutoencoderKind.Sparse => functional.relu(encoder.forward(input)),
        _ => encoder.forward(input),
    };

    /// <summary>The training loss of a batch, by kind.</summary>
    public override LossParts Loss(Tensor x)
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
                Tensor kl = (-0.5 * (1 + logVar - mu.pow(2) - logVar.exp())).sum(1).mean() / _arch.SampleSize;
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
}


/// <summary>
/// A convolutional autoencoder: convolutions, a dense bottleneck, convolutions back. Over a window of rows it uses
/// 1-D convolutions along time, each input column a channel; over image-shaped rows (ImageHeight x ImageWidth
/// values, row by row) 2-D convolutions with one channel. Samples arrive flattened either way.
/// </summary>
internal sealed class ConvolutionalAutoencoder : AutoencoderNet
{
    private readonly Sequential encoder;
    private readonly Linear toLatent;
    private readonly Linear fromLatent;
    private readonly Sequential decoder;
    private readonly bool _image;
    private readonly long[] _inputShape;   // channels-first shape of one sample
    private readonly long[] _hiddenShape;  // the same with the hidden channels
    private readonly int _size;

    public ConvolutionalAutoencoder(Architecture a)
        : base(nameof(ConvolutionalAutoencoder))
    {
        _image = a.ImageHeight > 0;
        int channels = a.HiddenSize.Length > 0 ? a.HiddenSize[0] : 16;
        int inChannels = _image ? 1 : a.InputSize;
        long[] extent = _image ? new long[] { a.ImageHeight, a.ImageWidth } : new long[] { a.WindowSize };
        _inputShape = extent.Prepend(inChannels).ToArray();
        _hiddenShape = extent.Prepend(channels).ToArray();
        _size = a.SampleSize;
        int flat = channels * (int)extent.Aggregate(1L, (x, y) => x * y);

        Module<Tensor, Tensor> Conv(int from, int to) => _image ? Conv2d(from, to, 3, padding: 1) : Conv1d(from, to, 3, padding: 1);
        encoder = Sequential(("0", Conv(inChannels, channels)), ("1", MakeActivation(a.Activation)), ("2", Conv(channels, channels)), ("3", MakeActivation(a.Activation)));
        toLatent = Linear(flat, a.LatentSize);
        fromLatent = Linear(a.LatentSize, flat);
        decoder = Sequential(("0", MakeActivation(a.Activation)), ("1", Conv(channels, channels)), ("2", MakeActivation(a.Activation)), ("3", Conv(channels, inChannels)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor h = fromLatent.forward(Encode(input)).reshape(_hiddenShape.Prepend(-1).ToArray());
        return FromChannels(decoder.forward(h)).MoveToOuterDisposeScope();
    }

    public override Tensor Encode(Tensor input) => toLatent.forward(encoder.forward(ToChannels(input)).flatten(1));

    public override LossParts Loss(Tensor x)
    {
        Tensor recon = functional.mse_loss(forward(x), x);
        return new LossParts(recon, recon, null);
    }

    // A window arrives row after row ([time, column]); convolutions want [column, time]. An image is already one channel.
    private Tensor ToChannels(Tensor x) => _image
        ? x.reshape(_inputShape.Prepend(-1).ToArray())
        : x.reshape(-1, _inputShape[1], _inputShape[0]).transpose(1, 2);

    private Tensor FromChannels(Tensor y) => (_image ? y : y.transpose(1, 2)).reshape(-1, _size);
}

/// <summary>
/// An LSTM reads the window of rows; its last state goes through the bottleneck; a second LSTM unrolls the code
/// over the window again and a linear layer maps each step back to the columns.
/// </summary>
internal sealed class RecurrentAutoencoder : AutoencoderNet
{
    private readonly LSTM encoder;
    private readonly Linear toLatent;
    private readonly Linear fromLatent;
    private readonly LSTM decoder;
    private readonly Linear output;
    private readonly int _window;
    private readonly int _columns;

    public RecurrentAutoencoder(Architecture a)
        : base(nameof(RecurrentAutoencoder))
    {
        _window = a.WindowSize;
        _columns = a.InputSize;
        int hidden = a.HiddenSize.Length > 0 ? a.HiddenSize[0] : 32;
        encoder = LSTM(_columns, hidden, batchFirst: true);
        toLatent = Linear(hidden, a.LatentSize);
        fromLatent = Linear(a.LatentSize, hidden);
        decoder = LSTM(hidden, hidden, batchFirst: true);
        output = Linear(hidden, _columns);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor code = fromLatent.forward(Encode(input));
        Tensor repeated = code.unsqueeze(1).expand(-1, _window, -1);
        (Tensor steps, _, _) = decoder.forward(repeated);
        return output.forward(steps).reshape(-1, _window * _columns).MoveToOuterDisposeScope();
    }

    public override Tensor Encode(Tensor input)
    {
        (Tensor steps, _, _) = encoder.forward(input.reshape(-1, _window, _columns));
        return toLatent.forward(steps.select(1, _window - 1));
    }

    public override LossParts Loss(Tensor x)
    {
        Tensor recon = functional.mse_loss(forward(x), x);
        return new LossParts(recon, recon, null);
    }
}
