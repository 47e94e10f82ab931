using TorchSharp;

namespace PSAnomalyAE.Engine;

/// <summary>
/// Native scalars for the constants the engine passes to libtorch, created once and held for the life of the
/// process. TorchSharp turns a .NET number passed where a <see cref="Scalar"/> is expected into a native scalar that
/// only a finalizer frees, and does not keep it alive during the native call, so a collection on any thread could free
/// it mid-call. Every scalar the engine passes is held: these, or one owned (and disposed) by the object that uses it.
/// tools/BannedSymbols.txt makes the temporary forms a build error. Reading a scalar from several threads at once is safe:
/// libtorch takes it by const reference.
/// </summary>
internal static class HeldScalars
{
    /// <summary>1 (an int scalar, as TorchSharp's own add(t) passes for alpha).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>2, the exponent of a square.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>-2, the factor of x·r in a squared distance.</summary>
    public static readonly Scalar MinusTwo = (-2).ToScalar();

    /// <summary>0 (an int scalar), a lower bound.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>0.5.</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>-0.5.</summary>
    public static readonly Scalar MinusHalf = (-0.5).ToScalar();
}
