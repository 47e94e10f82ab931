using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PSAnomalyAE.Engine.Networks;

/// <summary>
/// LeakyReLU with its slope held as a native scalar for the module's life. TorchSharp's own LeakyReLU module passes a
/// temporary scalar to libtorch on every forward (see <see cref="HeldScalars"/>). No parameters, so the state_dict
/// and model files are the same as with TorchSharp's module.
/// </summary>
internal sealed class HeldLeakyReLU : Module<Tensor, Tensor>
{
    private readonly Scalar _slope;

    public HeldLeakyReLU(double negativeSlope)
        : base("LeakyReLU")
    {
        _slope = negativeSlope.ToScalar();
    }

    public override Tensor forward(Tensor input) => input.leaky_relu(_slope);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _slope.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>ELU (alpha 1, as torch.nn.ELU) with its scalars held, for the reason <see cref="HeldLeakyReLU"/> gives.</summary>
internal sealed class HeldELU : Module<Tensor, Tensor>
{
    private readonly Scalar _alpha;

    public HeldELU(double alpha)
        : base("ELU")
    {
        _alpha = alpha.ToScalar();
    }

    // Scale and input scale 1, as torch.nn.ELU.
    public override Tensor forward(Tensor input) => input.elu(_alpha, HeldScalars.One, HeldScalars.One);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _alpha.Dispose();
        }

        base.Dispose(disposing);
    }
}
