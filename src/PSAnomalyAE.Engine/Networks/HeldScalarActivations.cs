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

/// <summary>ELU (alpha 1, as torch.nn.ELU) with its three scalars held, for the reason <see cref="HeldLeakyReLU"/> gives.</summary>
internal sealed class HeldELU : Module<Tensor, Tensor>
{
    private readonly Scalar _alpha;
    private readonly Scalar _scale;
    private readonly Scalar _inputScale;

    public HeldELU(double alpha)
        : base("ELU")
    {
        _alpha = alpha.ToScalar();
        _scale = 1.0.ToScalar();
        _inputScale = 1.0.ToScalar();
    }

    public override Tensor forward(Tensor input) => input.elu(_alpha, _scale, _inputScale);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _alpha.Dispose();
            _scale.Dispose();
            _inputScale.Dispose();
        }

        base.Dispose(disposing);
    }
}
