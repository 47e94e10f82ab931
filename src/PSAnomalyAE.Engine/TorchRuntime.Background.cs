using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using TorchSharp;

namespace PSAnomalyAE.Engine;

/// <summary>
/// libtorch's native libraries loaded on a background thread, started by a command before work of its own that does
/// not need them (Import-AEModel parsing and checking a model file's header, and whatever the session does before it
/// first scores with the model), so their load (the dynamic loader and libtorch's static initialisers: about a third
/// of a second of CPU) overlaps that work instead of preceding it.
/// The dynamic loader holds one lock for the whole load, static initialisers included, and every thread that loads a
/// native library or first calls a native function takes it too: the work meant to overlap the load must be managed
/// code alone, or it waits for the load as it would have without the background thread.
/// </summary>
public static partial class TorchRuntime
{
    private static Thread? s_background;

    // Native work running beside the commands (networks built in the background), until it ends.
    private static readonly ConcurrentDictionary<Task, byte> s_beside = new();
    private static int s_exitHooked;

    /// <summary>
    /// How long the process, as it exits, waits for native work still running beside the commands. Such work ends in
    /// well under a second; the bound keeps a hung load from holding the process forever.
    /// </summary>
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    /// <summary>LibTorchSharp's file name on this platform; loading it loads libtorch with it.</summary>
    private static string LibTorchSharpFile =>
        OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";

    /// <summary>
    /// Starts loading libtorch's native libraries on a background thread, once; returns at once. Nothing else is done
    /// there: <see cref="EnsureLoaded"/> waits for that thread, then does the rest (and reports a failure) as it always
    /// has. A failed background load is dropped, never thrown: the same load in <see cref="EnsureLoaded"/> fails again
    /// with the loader's own reason, on the thread of the command that needs it.
    /// </summary>
    public static void BeginLoading()
    {
        if (Volatile.Read(ref s_loaded) || Volatile.Read(ref s_background) is not null)
        {
            return;
        }

        var thread = new Thread(LoadInBackground) { IsBackground = true, Name = "PSAnomalyAE libtorch load" };
        if (Interlocked.CompareExchange(ref s_background, thread, null) is null)
        {
            HoldExitForBesideWork();
            thread.Start();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which calls libtorch, on a thread-pool thread beside the command that starts it;
    /// the process waits for it before it exits (<see cref="HoldExitForBesideWork"/>).
    /// </summary>
    internal static Task<T> RunBeside<T>(Func<T> work)
    {
        HoldExitForBesideWork();
        var task = new Task<T>(work);
        s_beside.TryAdd(task, 0);
        task.ContinueWith(t => s_beside.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        task.Start(TaskScheduler.Default);
        return task;
    }

    /// <summary>
    /// Makes the process, as it exits, wait for the background load and for work started by <see cref="RunBeside"/>
    /// (up to <see cref="ExitWait"/>). A process that exits while another thread is still loading libtorch or building a
    /// network has libtorch's static destructors run under that thread's feet, which corrupts the native heap: a
    /// script that imports a model and ends at once could die with SIGABRT or SIGSEGV instead of its exit code.
    /// </summary>
    private static void HoldExitForBesideWork()
    {
        if (Interlocked.Exchange(ref s_exitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => FinishBesideWork();
        }
    }

    private static void FinishBesideWork()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Volatile.Read(ref s_background)?.Join(ExitWait);
        Task[] running = s_beside.Keys.ToArray();
        TimeSpan left = ExitWait - clock.Elapsed;
        if (running.Length > 0 && left > TimeSpan.Zero)
        {
            // A failed build has already been, or will be, reported to the command that needed it; here only its end matters.
            Task.WhenAll(running).ContinueWith(_ => { }, TaskScheduler.Default).Wait(left);
        }
    }

    /// <summary>Waits for the background load, when one was started; called before the load lock is taken.</summary>
    private static void WaitForBackgroundLoad() => Volatile.Read(ref s_background)?.Join();

    /// <summary>
    /// Loads LibTorchSharp (and with it libtorch) as TorchSharp asks for it, so the load context TorchSharp lives in
    /// finds it (the module's finds its platform's runtime folder); elsewhere (tests, tools) it is beside TorchSharp.dll.
    /// The dynamic loader loads a library once, so a second call only returns the same handle.
    /// </summary>
    private static void LoadLibTorchSharp() =>
        NativeLibrary.Load(LibTorchSharpFile, typeof(torch).Assembly, DllImportSearchPath.AssemblyDirectory);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "An exception on a background thread would end the process; the command that needs libtorch loads it again and reports why it cannot.")]
    private static void LoadInBackground()
    {
        try
        {
            LoadLibTorchSharp();
        }
        catch (Exception)
        {
            // Dropped: see BeginLoading.
        }
    }
}
