using System.Runtime.InteropServices;
using TorchSharp;

namespace PSAnomalyAE.Engine;

/// <summary>Loads libtorch on first use and turns a load failure into one clear error.</summary>
public static partial class TorchRuntime
{
    private static readonly object s_gate = new();
    private static bool s_loaded;

    /// <summary>
    /// Held while a network is created under a seed: libtorch's default generator is process-wide, so two
    /// models built at once on different threads would otherwise get each other's random numbers.
    /// </summary>
    internal static readonly object SeedLock = new();

    /// <summary>The platform identifier the native libraries are built for, e.g. linux-x64.</summary>
    public static string RuntimeIdentifier
    {
        get
        {
            string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            return $"{os}-{arch}";
        }
    }

    /// <summary>Makes sure libtorch is loaded; throws <see cref="AnomalyDetectionException"/> (NativeRuntime) when it cannot be.</summary>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref s_loaded))
        {
            return;
        }

        // A command may have started the load on a background thread (BeginLoading): let it finish first, outside the
        // lock, which a network being built in the background holds while it finishes the load (TryLoadQuietly).
        WaitForBackgroundLoad();
        lock (s_gate)
        {
            if (s_loaded)
            {
                return;
            }

            // On failure TorchSharp prints advice about NuGet packages to the console, which means nothing to a
            // module user; keep it off the console and report one clear error instead.
            TextWriter console = Console.Out;
            Console.SetOut(TextWriter.Null);
            try
            {
                // Load LibTorchSharp first: if TorchSharp's own search fails, it falls back to copying libtorch out of a
                // NuGet cache into a cpu/ folder next to itself, inside the module. Loading it here instead gives the
                // loader's own reason when it cannot load, and writes nothing. After a background load that succeeded
                // this only returns the library's handle.
                LoadLibTorchSharp();
                Initialise();
            }
            catch (Exception ex)
            {
                throw LoadFailure(ex);
            }
            finally
            {
                Console.SetOut(console);
            }
        }
    }

    /// <summary>
    /// Loads libtorch as <see cref="EnsureLoaded"/> does, for work done beside a command (a network built in the
    /// background) rather than by it: the console, which the command's thread may be writing to at the time, is left
    /// alone, and a libtorch that cannot be loaded gives false instead of an error; the command that needs it calls
    /// <see cref="EnsureLoaded"/>, which says why.
    /// </summary>
    internal static bool TryLoadQuietly()
    {
        if (Volatile.Read(ref s_loaded))
        {
            return true;
        }

        WaitForBackgroundLoad();
        lock (s_gate)
        {
            if (s_loaded)
            {
                return true;
            }

            try
            {
                LoadLibTorchSharp();
            }
            catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
            {
                return false;
            }

            // With LibTorchSharp loaded, TorchSharp's own search finds it at once and writes nothing.
            Initialise();
            return true;
        }
    }

    /// <summary>What follows the load of the native libraries, once per process; called under the load lock.</summary>
    private static void Initialise()
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        using var probe = torch.zeros(1);
        DisableOneDnn();

        // libtorch keeps one process-wide intra-op thread count, which each thread adopts (with MKL's) on its first
        // parallel operation. Left at the number of cores, a thread's scores depended on which count another thread
        // had set last: the same rows scored on a runspace thread and on the pipeline thread differed in their last
        // bits. Every engine call runs at ModelDefaults.ThreadCount unless told otherwise (-ThreadCount), so that is
        // the process default too.
        torch.set_num_threads(ModelDefaults.ThreadCount);
        Volatile.Write(ref s_loaded, true);
    }

    /// <summary>
    /// Makes sure networks can train on <paramref name="device"/>; for <see cref="ComputeDevice.Cuda"/> that needs a
    /// CUDA build of libtorch and a GPU, or this throws <see cref="AnomalyDetectionException"/> (NativeRuntime).
    /// </summary>
    public static void RequireDevice(ComputeDevice device)
    {
        EnsureLoaded();
        if (device == ComputeDevice.Cuda && !torch.cuda.is_available())
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.NativeRuntime,
                "-Device cuda needs a CUDA build of libtorch and an NVIDIA GPU with its driver; this module's libtorch is the CPU build, or no GPU was found.")
            {
                RecommendedAction = "Train with -Device cpu (the default). To train on a GPU, build the module with the TorchSharp-cuda-linux or TorchSharp-cuda-windows package (the same version as TorchSharp) in place of TorchSharp-cpu, on a machine with the NVIDIA driver.",
            };
        }
    }

    /// <summary>
    /// Runs libtorch's kernels on <paramref name="threads"/> intra-op threads on the calling thread until the result
    /// is disposed (the count is per calling thread in libtorch, an OpenMP setting). Scoring uses
    /// <see cref="ModelDefaults.ThreadCount"/>, so a row's score does not depend on how busy the machine was: with
    /// more threads the summation order, and so the last bits, can change.
    /// </summary>
    internal static ThreadCountScope UseThreads(int threads) => new(threads);

    internal readonly struct ThreadCountScope : IDisposable
    {
        private readonly int _previous;
        private readonly int _threads;

        internal ThreadCountScope(int threads)
        {
            _threads = Math.Max(1, threads);
            _previous = torch.get_num_threads();
            if (_previous != _threads)
            {
                torch.set_num_threads(_threads);
            }
        }

        public void Dispose()
        {
            if (_previous != _threads && _previous >= 1)
            {
                torch.set_num_threads(_previous);
            }
        }
    }

    /// <summary>
    /// Turns off libtorch's oneDNN (MKL-DNN) and NNPACK kernels, so convolutions and LSTMs use libtorch's own; the
    /// dense layers never used oneDNN. TorchSharp has no switch for it, so this calls libtorch's own
    /// at::globalContext().setUserEnabledMkldnn(false) (Itanium C++ ABI: Linux and macOS).
    /// </summary>
    /// <remarks>
    /// Why, measured on an AMD Zen 5 CPU with AVX-512 (2 cores), with native memory owned (no scalar or tensor left
    /// to a finalizer): the convolutional and recurrent engine tests were run 20 times each with oneDNN on
    /// (PSANOMALYAE_ONEDNN=1 keeps it on, for measuring again on another CPU) and 20 times with it off.
    /// <list type="bullet">
    /// <item>No NaN in any run, and every convolutional and recurrent network learned. The NaN gradients and the LSTM
    /// that did not learn, which first turned oneDNN off, were seen while the engine still left native scalars to
    /// the garbage collector and forced collections during training; they did not come back.</item>
    /// <item>But with oneDNN on, a convolutional model's score for the same row depends on the batch it is scored in
    /// (oneDNN picks its kernel by batch size): rows streamed in pieces through a state file differed from the same
    /// rows scored in one go in the 9th digit in 20 runs of 20 (2.2746085002 against 2.2746084965), and with it off
    /// in 0 of 20. A row's score must depend only on the row and the model, so oneDNN stays off. The LSTM tests passed
    /// 20 of 20 either way.</item>
    /// </list>
    /// </remarks>
    private static void DisableOneDnn()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            IntPtr context = NativeContext.GlobalContext();
            if (Environment.GetEnvironmentVariable("PSANOMALYAE_ONEDNN") != "1")
            {
                NativeContext.SetUserEnabledMkldnn(context, false);
            }

            // Without oneDNN, libtorch tries NNPACK for convolutions next, which prints "Could not initialize
            // NNPACK! Reason: Unsupported hardware." to the console on CPUs it does not know; its own kernels are used.
            NativeContext.SetUserEnabledNnpack(context, false);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // A libtorch without these entry points keeps its defaults.
        }
    }

    private static class NativeContext
    {
        [DllImport("torch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
        internal static extern IntPtr GlobalContext();

        [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
        internal static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        [DllImport("torch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
        internal static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
    }

    private static AnomalyDetectionException LoadFailure(Exception ex)
    {
        Exception inner = ex;
        string detail = ex.Message;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
            detail = inner.Message;
        }

        string rid = RuntimeIdentifier;
        string action = OperatingSystem.IsWindows()
            ? "Install the Microsoft Visual C++ 2015-2022 x64 Redistributable, then start a new PowerShell session."
            : OperatingSystem.IsLinux()
                ? "Reinstall the module's linux-x64 package, or rebuild it with './build.ps1 Build' (it needs only the .NET SDK). The module needs glibc 2.34 or later and the libstdc++ of GCC 12 or later (GLIBCXX_3.4.30), as on Debian 12, Ubuntu 22.04 or newer; on an older system, use a newer distribution. Then start a new PowerShell session."
                : "Reinstall the module for this platform, then start a new PowerShell session.";
        return new AnomalyDetectionException(
            AnomalyErrorKind.NativeRuntime,
            $"The libtorch native runtime for {rid} could not be loaded: {detail}",
            ex)
        {
            RecommendedAction = action,
        };
    }
}
