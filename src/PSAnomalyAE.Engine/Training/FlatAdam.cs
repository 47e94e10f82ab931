using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PSAnomalyAE.Engine.Training;

/// <summary>
/// Adam (the maths and defaults of torch.optim.Adam: betas 0.9 / 0.999, eps 1e-8, bias correction, no weight decay,
/// no amsgrad) over every parameter of a module, with all parameters kept in one flat buffer and all gradients in a
/// second one. A step is nine native operations on the flat tensors, however many parameters the network has;
/// TorchSharp's own Adam runs about ten operations, and creates about six native scalars, per parameter per step.
/// </summary>
/// <remarks>
/// <para>
/// The constructor copies each parameter's values into the flat parameter buffer and rebinds the parameter to a view
/// of it (the same native tensor object, now backed by the flat storage), and sets each parameter's gradient to a
/// view of the flat gradient buffer. Autograd then accumulates gradients in place into those views, so after
/// <c>backward()</c> the flat gradient holds every parameter's gradient. Layers that keep their own references to
/// their weights (LSTM) see the rebinding too, because the parameter objects themselves are not replaced.
/// </para>
/// <para>
/// Use: create it after the network (and after loading any weights; copying weights in later with <c>copy_</c>,
/// <c>load_state_dict</c> or <c>Module.load</c> also works, because those write into the existing storage). Per
/// step: <see cref="ZeroGrad"/>, forward, <c>loss.backward()</c>, <see cref="Step"/>. Never call an optimizer's
/// <c>zero_grad</c> that sets gradients to null, never assign a parameter's <c>grad</c>, and do not replace
/// parameters (<c>Module.to</c> another device or dtype, <c>register_parameter</c>) while this object is in use:
/// each of those detaches a parameter from the flat buffers, which <see cref="CheckBinding"/> reports.
/// </para>
/// <para>
/// Differences from torch.optim.Adam: one step counter for all parameters, and a parameter whose gradient was never
/// written is still stepped with a zero gradient (which leaves it unchanged while its moments are zero). Not thread
/// safe; one optimizer per network, used by one thread at a time.
/// </para>
/// </remarks>
public sealed class FlatAdam : IDisposable
{
    private readonly List<(string Name, Parameter Parameter, long Offset, long Count)> _bindings = new();
    private readonly Tensor _param;      // every parameter, flat
    private readonly Tensor _grad;       // every gradient, flat
    private readonly Tensor _expAvg;     // first moment
    private readonly Tensor _expAvgSq;   // second moment
    private readonly Tensor _denom;      // scratch for sqrt(v / bias correction) + eps
    private readonly Scalar _beta1;
    private readonly Scalar _oneMinusBeta1;
    private readonly Scalar _beta2;
    private readonly Scalar _oneMinusBeta2;
    private readonly Scalar _eps;
    private bool _disposed;

    /// <summary>Binds every parameter of <paramref name="module"/> (in named_parameters order) to the flat buffers.</summary>
    /// <param name="module">The network. All its parameters must share one dtype and device.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator.</param>
    public FlatAdam(nn.Module module, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(lr), "Adam needs lr >= 0, 0 <= beta1, beta2 < 1 and eps >= 0.");
        }

        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;

        long total = 0;
        ScalarType? dtype = null;
        Device? device = null;
        foreach (var (name, p) in module.named_parameters())
        {
            dtype ??= p.dtype;
            device ??= p.device;
            if (p.dtype != dtype || p.device.type != device.type || p.device.index != device.index)
            {
                throw new ArgumentException($"FlatAdam needs every parameter on one device with one dtype; '{name}' is {p.dtype} on {p.device}.", nameof(module));
            }

            long n = p.numel();
            _bindings.Add((name, p, total, n));
            total += n;
        }

        if (_bindings.Count == 0)
        {
            throw new ArgumentException("The module has no parameters.", nameof(module));
        }

        using (no_grad())
        {
            _param = zeros(total, dtype: dtype, device: device).DetachFromDisposeScope();
            _grad = zeros(total, dtype: dtype, device: device).DetachFromDisposeScope();
            _expAvg = zeros(total, dtype: dtype, device: device).DetachFromDisposeScope();
            _expAvgSq = zeros(total, dtype: dtype, device: device).DetachFromDisposeScope();
            _denom = zeros(total, dtype: dtype, device: device).DetachFromDisposeScope();
            foreach (var (_, p, offset, count) in _bindings)
            {
                // The narrowed tensors and views belong to the scope, not to a finalizer.
                using var scope = NewDisposeScope();
                long[] shape = p.shape;
                Tensor paramView = _param.narrow(0, offset, count).view(shape);
                paramView.copy_(p);

                // set_ keeps the parameter's native object (and so every reference to it) and swaps its storage.
                p.set_(paramView);
                p.grad = _grad.narrow(0, offset, count).view(shape);
            }
        }

        _beta1 = beta1.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _beta2 = beta2.ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _eps = eps.ToScalar();
    }

    /// <summary>The learning rate; may be changed between steps.</summary>
    public double LearningRate { get; set; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    /// <summary>Steps taken so far (the t of the bias correction).</summary>
    public long StepCount { get; private set; }

    /// <summary>Parameters bound to the flat buffers.</summary>
    public int ParameterCount => _bindings.Count;

    /// <summary>Values in the flat buffers (the number of trainable values in the network).</summary>
    public long ElementCount => _param.numel();

    /// <summary>The flat parameter buffer (not a copy; do not dispose).</summary>
    public Tensor FlatParameters => _param;

    /// <summary>The flat gradient buffer (not a copy; do not dispose).</summary>
    public Tensor FlatGradients => _grad;

    /// <summary>Zeroes every gradient in one operation. The gradients stay defined (they are never set to null).</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _grad.fill_(HeldScalars.Zero);
    }

    /// <summary>One Adam update of every parameter from the gradients in the flat gradient buffer.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        StepCount++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);

        // Two scalars change every step; they are disposed here rather than left to the finalizer.
        using Scalar sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        using Scalar negativeStepSize = (-LearningRate / biasCorrection1).ToScalar();
        using (no_grad())
        {
            // The same operations, in the same order, as TorchSharp's Adam.step (and torch.optim.Adam's single-tensor
            // path before it switched to lerp_), so results match it to rounding.
            _expAvg.mul_(_beta1).add_(_grad, _oneMinusBeta1);
            _expAvgSq.mul_(_beta2).addcmul_(_grad, _grad, _oneMinusBeta2);
            _denom.copy_(_expAvgSq).sqrt_().div_(sqrtBiasCorrection2).add_(_eps, HeldScalars.One);
            _param.addcdiv_(_expAvg, _denom, negativeStepSize);
        }
    }

    /// <summary>The optimizer's moments (first, then second) and step count, as managed arrays, to go on later with <see cref="ImportMoments"/>.</summary>
    public (float[] First, float[] Second, long Steps) ExportMoments()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        float[] first = MemoryMarshal.Cast<byte, float>(_expAvg.cpu().contiguous().bytes).ToArray();
        float[] second = MemoryMarshal.Cast<byte, float>(_expAvgSq.cpu().contiguous().bytes).ToArray();
        return (first, second, StepCount);
    }

    /// <summary>Restores moments and a step count saved by <see cref="ExportMoments"/> of an optimizer over the same network.</summary>
    public void ImportMoments(float[] first, float[] second, long steps)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (first.Length != ElementCount || second.Length != ElementCount || steps < 0)
        {
            throw new ArgumentException($"The saved optimizer moments hold {first.Length} and {second.Length} values; the network has {ElementCount}.");
        }

        using var scope = NewDisposeScope();
        using (no_grad())
        {
            _expAvg.copy_(torch.tensor(first));
            _expAvgSq.copy_(torch.tensor(second));
        }

        StepCount = steps;
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> naming the first parameter whose values or gradient are no longer
    /// stored in the flat buffers (for example after its gradient was set to null or the module was moved).
    /// </summary>
    public void CheckBinding()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long elementSize = _param.ElementSize;
        foreach (var (name, p, offset, count) in _bindings)
        {
            if (count == 0)
            {
                continue;
            }

            if (!IsViewAt(p, _param, offset * elementSize))
            {
                throw new InvalidOperationException($"Parameter '{name}' is no longer a view of FlatAdam's parameter buffer.");
            }

            using Tensor? g = p.grad;
            if (g is null || !IsViewAt(g, _grad, offset * elementSize))
            {
                throw new InvalidOperationException($"The gradient of '{name}' is no longer a view of FlatAdam's gradient buffer.");
            }
        }
    }

    // True when t is a contiguous CPU tensor whose first element lies byteOffset bytes into flat's data.
    private static bool IsViewAt(Tensor t, Tensor flat, long byteOffset)
    {
        if (t.device_type != DeviceType.CPU || !t.is_contiguous() || t.dtype != flat.dtype)
        {
            return false;
        }

        ref byte start = ref MemoryMarshal.GetReference(flat.bytes);
        ref byte first = ref MemoryMarshal.GetReference(t.bytes);
        return Unsafe.ByteOffset(ref start, ref first) == (nint)byteOffset;
    }

    /// <summary>Frees the flat buffers' handles and the scalars. The parameters keep their values (their storage lives on).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _param.Dispose();
        _grad.Dispose();
        _expAvg.Dispose();
        _expAvgSq.Dispose();
        _denom.Dispose();
        _beta1.Dispose();
        _oneMinusBeta1.Dispose();
        _beta2.Dispose();
        _oneMinusBeta2.Dispose();
        _eps.Dispose();
    }
}
