using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PSAnomalyAE.Engine.Networks;

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

    public RecurrentAutoencoder(ModelSpec spec, NetworkShape shape)
        : base(nameof(RecurrentAutoencoder))
    {
        _window = spec.WindowSize;
        _columns = shape.InputSize;
        int hidden = shape.HiddenSize[0];
        encoder = LSTM(_columns, hidden, batchFirst: true);
        toLatent = Linear(hidden, shape.LatentSize);
        fromLatent = Linear(shape.LatentSize, hidden);
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
