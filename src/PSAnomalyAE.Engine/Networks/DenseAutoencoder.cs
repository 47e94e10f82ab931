using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PSAnomalyAE.Engine.Networks;

/// <summary>
/// The autoencoder network of every dense kind: encoder layers down to the bottleneck, a mirrored decoder, a linear
/// output (sigmoid with min-max scaling). The kind decides the bottleneck and the training loss. With windows it
/// reads each window flattened.
/// </summary>
internal sealed class DenseAutoencoder : AutoencoderNet
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;
    private readonly ModelSpec _spec;
    private readonly int _latent;
    private readonly int _sampleSize;
    private readonly AutoencoderKind _kind;
    private readonly Generator _noise;
    private readonly Tensor? _scoringDraws;

    // The spec's numbers and the log-variance bounds, as native scalars owned by the network (see HeldScalars).
    private readonly Scalar _sparsityWeight;
    private readonly Scalar _noiseLevel;
    private readonly Scalar _klWeight;
    private readonly Scalar _samples;
    private readonly Scalar _sampleSizeScalar;
    private readonly Scalar _logVarMin;
    private readonly Scalar _logVarMax;

    public DenseAutoencoder(ModelSpec spec, NetworkShape shape, long seed)
        : base(nameof(DenseAutoencoder))
    {
        _spec = spec;
        _kind = spec.Kind;
        _latent = shape.LatentSize;
        _sampleSize = shape.InputSize * spec.WindowSize;
        _noise = new Generator((ulong)seed);
        _sparsityWeight = spec.SparsityWeight.ToScalar();
        _noiseLevel = spec.NoiseLevel.ToScalar();
        _klWeight = spec.KLWeight.ToScalar();
        _samples = spec.Samples.ToScalar();
        _sampleSizeScalar = _sampleSize.ToScalar();
        _logVarMin = (-10).ToScalar();
        _logVarMax = 10.ToScalar();
        var enc = new List<(string, Module<Tensor, Tensor>)>();
        int width = _sampleSize;
        int n = 0;
        foreach (int h in shape.HiddenSize)
        {
            enc.Add(($"{n++}", Linear(width, h)));
            enc.Add(($"{n++}", MakeActivation(spec.Activation)));
            width = h;
        }

        // The variational encoder gives a mean and a log-variance per bottleneck unit.
        enc.Add(($"{n}", Linear(width, _kind == AutoencoderKind.Variational ? 2 * shape.LatentSize : shape.LatentSize)));

        var dec = new List<(string, Module<Tensor, Tensor>)>();
        width = shape.LatentSize;
        n = 0;
        foreach (int h in Enumerable.Reverse(shape.HiddenSize))
        {
            dec.Add(($"{n++}", Linear(width, h)));
            dec.Add(($"{n++}", MakeActivation(spec.Activation)));
            width = h;
        }

        dec.Add(($"{n++}", Linear(width, _sampleSize)));
        if (shape.SigmoidOutput)
        {
            dec.Add(($"{n}", Sigmoid()));
        }

        encoder = Sequential(enc);
        decoder = Sequential(dec);
        RegisterComponents();

        // A variational model that averages several draws when scoring uses the same draws for every row and every
        // call, taken from its seed: a row's score depends only on the row and the model, never on the batch or on
        // when it was scored. (Kept out of the registered state: it is derived, not learned.)
        if (_kind == AutoencoderKind.Variational && spec.Samples > 1)
        {
            using var draws = new Generator((ulong)seed ^ 0x5C0_12E5UL);
            _scoringDraws = torch.randn(new long[] { spec.Samples, shape.LatentSize }, generator: draws).DetachFromDisposeScope();
        }
    }

    public override bool HasPenalty => _kind is AutoencoderKind.Sparse or AutoencoderKind.Variational;

    /// <summary>The deterministic reconstruction used for scoring (a VAE decodes its mean, or averages -Samples draws).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        if (_scoringDraws is null || training)
        {
            return decoder.forward(Encode(input)).MoveToOuterDisposeScope();
        }

        (Tensor mu, Tensor logVar) = Split(encoder.forward(input));
        Tensor std = logVar.mul(HeldScalars.Half).exp();
        Tensor sum = torch.zeros_like(input);
        for (int s = 0; s < _spec.Samples; s++)
        {
            sum = sum.add(decoder.forward(mu.add(std.mul(_scoringDraws[s]), HeldScalars.One)), HeldScalars.One);
        }

        return sum.div(_samples).MoveToOuterDisposeScope();
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
                Tensor penalty = z.abs().mean().mul(_sparsityWeight);
                return new LossParts(recon.add(penalty, HeldScalars.One), recon, penalty);
            }

            case AutoencoderKind.Denoising:
            {
                Tensor noisy = x.add(torch.randn(x.shape, generator: _noise).mul(_noiseLevel), HeldScalars.One);
                Tensor recon = functional.mse_loss(decoder.forward(encoder.forward(noisy)), x);
                return new LossParts(recon, recon, null);
            }

            case AutoencoderKind.Variational:
            {
                (Tensor mu, Tensor logVar) = Split(encoder.forward(x));
                Tensor recon = functional.mse_loss(decoder.forward(Sample(mu, logVar)), x);
                // KL(q(z|x) || N(0, I)) per row, averaged over the batch, and per input so it weighs like the MSE.
                Tensor kl = logVar.add(HeldScalars.One, HeldScalars.One).sub(mu.pow(HeldScalars.Two)).sub(logVar.exp())
                    .mul(HeldScalars.MinusHalf).sum(1).mean().div(_sampleSizeScalar);
                Tensor penalty = kl.mul(_klWeight);
                return new LossParts(recon.add(penalty, HeldScalars.One), recon, penalty);
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
        return (h.narrow(1, 0, _latent), h.narrow(1, _latent, _latent).clamp(_logVarMin, _logVarMax));
    }

    private Tensor Sample(Tensor mu, Tensor logVar) =>
        mu.add(logVar.mul(HeldScalars.Half).exp().mul(torch.randn(mu.shape, generator: _noise)), HeldScalars.One);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _noise.Dispose();
            _scoringDraws?.Dispose();
            _sparsityWeight.Dispose();
            _noiseLevel.Dispose();
            _klWeight.Dispose();
            _samples.Dispose();
            _sampleSizeScalar.Dispose();
            _logVarMin.Dispose();
            _logVarMax.Dispose();
        }

        base.Dispose(disposing);
    }
}
