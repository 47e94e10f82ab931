using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace PSAnomalyAE.Engine.Networks;

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

    public ConvolutionalAutoencoder(ModelSpec spec, NetworkShape shape)
        : base(nameof(ConvolutionalAutoencoder))
    {
        _image = spec.ImageShape is not null;
        int channels = shape.HiddenSize[0];
        int inChannels = _image ? 1 : shape.InputSize;
        long[] extent = spec.ImageShape is { } image ? new long[] { image[0], image[1] } : new long[] { spec.WindowSize };
        _inputShape = extent.Prepend(inChannels).ToArray();
        _hiddenShape = extent.Prepend(channels).ToArray();
        _size = shape.InputSize * spec.WindowSize;
        int flat = channels * (int)extent.Aggregate(1L, (x, y) => x * y);

        Module<Tensor, Tensor> Conv(int from, int to) => _image ? Conv2d(from, to, 3, padding: 1) : Conv1d(from, to, 3, padding: 1);
        encoder = Sequential(("0", Conv(inChannels, channels)), ("1", MakeActivation(spec.Activation)), ("2", Conv(channels, channels)), ("3", MakeActivation(spec.Activation)));
        toLatent = Linear(flat, shape.LatentSize);
        fromLatent = Linear(shape.LatentSize, flat);
        decoder = Sequential(("0", MakeActivation(spec.Activation)), ("1", Conv(channels, channels)), ("2", MakeActivation(spec.Activation)), ("3", Conv(channels, inChannels)));
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
        : x.reshape(-1, _inputShape[1], _inputShape[0]).transpose(1, 2).contiguous();

    private Tensor FromChannels(Tensor y) => (_image ? y : y.transpose(1, 2)).reshape(-1, _size);
}
