using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TorchSharp;

namespace PSAnomalyAE.Engine.Selection;

/// <summary>What one fold's fit gave: its mean error on the held-out fold (and its errors on the labelled rows), or that it was cancelled or failed.</summary>
internal sealed record FitOutcome(double MeanError, double[]? LabelledErrors, double Seconds, bool Cancelled, ExceptionDispatchInfo? Failure);

/// <summary>
/// Runs a list of fits on worker threads, each at one intra-op thread, and hands their outcomes back on the calling
/// thread in the order of the list, whatever order they finish in.
/// </summary>
internal sealed class FoldWorkers : IDisposable
{
    private readonly Func<int, CancellationToken, FitOutcome> _fit;
    private readonly FitOutcome?[] _outcomes;
    private readonly BlockingCollection<int> _finished = new();
    private readonly CancellationTokenSource _stop;
    private readonly List<Thread> _threads;
    private readonly int _callerThreads;
    private int _next = -1;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Starts <paramref name="workers"/> threads that run <paramref name="fit"/> for the fits 0 to <paramref name="count"/> - 1, each taken once.</summary>
    public FoldWorkers(int count, int workers, Func<int, CancellationToken, FitOutcome> fit, CancellationToken cancel)
    {
        _fit = fit;
        _outcomes = new FitOutcome?[count];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        TorchRuntime.EnsureLoaded();
        _callerThreads = torch.get_num_threads();
        _threads = Enumerable.Range(0, workers).Select(w => new Thread(Work) { IsBackground = true, Name = $"PSAnomalyAE fold {w + 1}" }).ToList();
        _threads.ForEach(t => t.Start());
    }

    /// <summary>
    /// Hands each finished outcome to <paramref name="take"/> with its fit's index, in order, until every fit is
    /// taken or one was cancelled (it and the fits after it are not handed over). A failed fit's exception is
    /// rethrown here; the workers are stopped and joined before this returns or throws.
    /// </summary>
    public void Collect(Action<int, FitOutcome> take)
    {
        int taken = 0, running = _threads.Count;
        bool ended = false;
        try
        {
            while (running > 0)
            {
                if (_finished.Take() < 0)
                {
                    running--;
                }

                for (; !ended && taken < _outcomes.Length && _outcomes[taken] is FitOutcome o; taken++)
                {
                    if (o.Failure is not null)
                    {
                        StopAll();
                        o.Failure.Throw();
                    }

                    if (o.Cancelled)
                    {
                        ended = true;
                        break;
                    }

                    take(taken, o);
                }
            }
        }
        finally
        {
            StopAll();
            torch.set_num_threads(_callerThreads);
        }

        _failure?.Throw();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _finished.Dispose();
    }

    // One network per worker thread, each at one intra-op thread: independent fits scale with the cores without
    // libtorch's threads waiting for each other, and every fit computes exactly what it would alone, so the results
    // do not depend on how many run at once.
    private void Work()
    {
        try
        {
            torch.set_num_threads(1);
            int j;
            while (!_stop.IsCancellationRequested && (j = Interlocked.Increment(ref _next)) < _outcomes.Length)
            {
                _outcomes[j] = _fit(j, _stop.Token);
                _finished.Add(j);
            }
        }
        catch (Exception ex)
        {
            _failure ??= ExceptionDispatchInfo.Capture(ex);
            _stop.Cancel();
        }
        finally
        {
            _finished.Add(-1);
        }
    }

    private void StopAll()
    {
        _stop.Cancel();
        _threads.ForEach(t => t.Join());
    }
}
