using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace PSAnomalyAE.Engine.Selection;

/// <summary>
/// Chooses the bottleneck size by k-fold cross-validation: every candidate is trained k times, each time on all
/// folds but one, and scored on the fold it did not see. The recommendation follows the one-standard-error rule:
/// the smallest size whose mean validation error is within one standard error of the best mean (the larger of
/// the two sizes' standard errors across folds), or within <see cref="NoiseTail"/> of the improvement from the
/// worst candidate to the best.
/// </summary>
public static class CrossValidation
{
    /// <summary>The share of the candidates' whole improvement below which a remaining gap counts as noise.</summary>
    public const double NoiseTail = 0.05;

    private static readonly int[] s_ladder = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128 };

    /// <summary>Candidate sizes for <paramref name="width"/> inputs: 1, 2, 3, 4, 6, 8, 12, 16, 24, ... below the width.</summary>
    public static int[] DefaultLadder(int width) => s_ladder.Where(s => s < Math.Max(2, width)).ToArray();

    /// <summary>Assigns each of <paramref name="rows"/> rows to one of <paramref name="folds"/> folds, shuffled by <paramref name="seed"/>; fold sizes differ by at most one.</summary>
    public static int[] AssignFolds(int rows, int folds, int seed)
    {
        int[] order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        var fold = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            fold[order[i]] = i % folds;
        }

        return fold;
    }

    /// <summary>
    /// Runs the cross-validation, <see cref="ModelSpec.ThreadCount"/> fits at once (default: one per logical CPU), each
    /// at one intra-op thread; the results are the same whatever that count. <paramref name="onFold"/> is told about
    /// every finished fit, in order, on the calling thread; when <paramref name="cancel"/> fires, the candidates whose
    /// folds all finished are returned. A candidate's Seconds add up its fits' times.
    /// </summary>
    public static IReadOnlyList<CandidateResult> Run(
        ModelSpec spec,
        FeatureEncoding encoding,
        double[] data,
        int rows,
        IReadOnlyList<int> candidates,
        int folds,
        LabelledData? labelled = null,
        Func<IReadOnlyList<double>, IReadOnlyList<bool>, double>? rocAuc = null,
        Action<FoldResult>? onFold = null,
        CancellationToken cancel = default)
    {
        Check(spec, rows, candidates, folds);
        int seed = spec.Seed ?? Random.Shared.Next();
        int[] assignment = AssignFolds(rows, folds, seed);
        var fits = candidates.SelectMany(size => Enumerable.Range(0, folds).Select(f => (Size: size, Fold: f))).ToArray();
        int workers = Math.Clamp(spec.ThreadCount ?? Environment.ProcessorCount, 1, fits.Length);
        LabelledData? scored = labelled is not null && rocAuc is not null ? labelled : null;

        // The seeds are fixed per fold (seed + fold) before any fit starts, so the results do not depend on how many
        // fits run at once. Results are taken in the order of the fits (candidate by candidate, fold by fold) on the
        // calling thread, so onFold and rocAuc run there, in the same order as one fit at a time would give.
        var tally = new CandidateTally(folds, scored, rocAuc, onFold);
        using (var running = new FoldWorkers(fits.Length, workers, (j, token) => Fit(spec, encoding, data, encoding.Width, assignment, fits[j].Size, fits[j].Fold, seed, scored, token), cancel))
        {
            running.Collect((j, outcome) => tally.Add(fits[j].Size, fits[j].Fold, outcome));
        }

        return Recommend(tally.Finished);
    }

    private static void Check(ModelSpec spec, int rows, IReadOnlyList<int> candidates, int folds)
    {
        if (spec.WindowSize > 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "Folds of shuffled rows would cut through windows of consecutive rows; cross-validate without -WindowSize.");
        }

        if (folds < 2)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "Cross-validation needs at least 2 folds.");
        }

        if (rows < folds * 2)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, $"{folds}-fold cross-validation needs at least {folds * 2} rows; {rows} were given.");
        }

        if (candidates.Count == 0 || candidates.Any(c => c < 1))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "Candidate bottleneck sizes must be 1 or more.");
        }
    }

    /// <summary>One fold's fit: trained on the other folds and scored on this one (and on the labelled rows, if any).</summary>
    private static FitOutcome Fit(ModelSpec spec, FeatureEncoding encoding, double[] data, int width, int[] assignment, int size, int fold, int seed, LabelledData? labelled, CancellationToken cancel)
    {
        try
        {
            var train = new FoldRows(data, width, assignment, fold); // the other folds' rows, read in place
            var foldSpec = spec.Clone();
            foldSpec.LatentSize = size;
            foldSpec.Seed = seed + fold;
            foldSpec.ThreadCount = 1;
            var clock = Stopwatch.StartNew();
            using var model = new AnomalyModel(foldSpec);
            try
            {
                model.Train(encoding, train, cancel: cancel);
            }
            catch (OperationCanceledException)
            {
                return new FitOutcome(0, null, 0, true, null);
            }

            if (model.Training?.Cancelled == true)
            {
                return new FitOutcome(0, null, 0, true, null);
            }

            double mean = HeldOutErrors(model, data, width, assignment, fold).Average();
            double[]? labelledErrors = labelled is not null ? model.Score(labelled.Data, labelled.Rows).Scores.ToArray() : null;
            return new FitOutcome(mean, labelledErrors, clock.Elapsed.TotalSeconds, false, null);
        }
        catch (Exception ex)
        {
            return new FitOutcome(0, null, 0, false, ExceptionDispatchInfo.Capture(ex));
        }
    }

    /// <summary>Adds up each candidate's folds, in order, as they are handed over: a candidate is finished with its last fold.</summary>
    private sealed class CandidateTally
    {
        private readonly int _folds;
        private readonly LabelledData? _labelled;
        private readonly Func<IReadOnlyList<double>, IReadOnlyList<bool>, double>? _rocAuc;
        private readonly Action<FoldResult>? _onFold;
        private readonly List<double> _errors = new();
        private readonly List<double> _aucs = new();
        private double _seconds;

        public CandidateTally(int folds, LabelledData? labelled, Func<IReadOnlyList<double>, IReadOnlyList<bool>, double>? rocAuc, Action<FoldResult>? onFold)
        {
            _folds = folds;
            _labelled = labelled;
            _rocAuc = rocAuc;
            _onFold = onFold;
        }

        /// <summary>The candidates whose folds all finished.</summary>
        public List<CandidateResult> Finished { get; } = new();

        public void Add(int size, int fold, FitOutcome o)
        {
            double? auc = o.LabelledErrors is not null ? _rocAuc!(o.LabelledErrors, _labelled!.IsAnomaly) : null;
            if (auc is not null)
            {
                _aucs.Add(auc.Value);
            }

            _errors.Add(o.MeanError);
            _seconds += o.Seconds;
            _onFold?.Invoke(new FoldResult(size, fold + 1, o.MeanError, o.Seconds, auc));
            if (fold == _folds - 1)
            {
                double avg = _errors.Average();
                double sd = Math.Sqrt(_errors.Sum(e => (e - avg) * (e - avg)) / (_errors.Count - 1));
                Finished.Add(new CandidateResult(size, _folds, avg, sd, sd / Math.Sqrt(_folds), _seconds, _aucs.Count > 0 ? _aucs.Average() : null, false));
                _errors.Clear();
                _aucs.Clear();
                _seconds = 0;
            }
        }
    }

    /// <summary>Marks the smallest size whose mean error is within one standard error of the best mean.</summary>
    public static IReadOnlyList<CandidateResult> Recommend(IReadOnlyList<CandidateResult> results)
    {
        if (results.Count == 0)
        {
            return results;
        }

        // The gap to the best counts as noise when it is within one standard error, the larger of the two
        // candidates' (each size's folds are trained from different random starts, so both vary). Past the true
        // dimension of the data the error keeps falling slowly, because a wider bottleneck starts to reproduce
        // noise too; a gap below 5 % of the whole improvement the candidates show is that tail, not structure.
        CandidateResult best = results.MinBy(r => r.MeanError)!;
        double worst = results.Max(r => r.MeanError);
        double tail = NoiseTail * (worst - best.MeanError);
        int chosen = results
            .Where(r => r.MeanError - best.MeanError <= Math.Max(Math.Max(r.StandardError, best.StandardError), tail))
            .Min(r => r.LatentSize);
        return results.Select(r => r with { Recommended = r.LatentSize == chosen }).ToList();
    }

    /// <summary>
    /// The rows of every fold but one, in order, read from the rows of all folds in place: the fits running at once do
    /// not each hold a copy of most of the rows.
    /// </summary>
    private sealed class FoldRows : ITrainingRows
    {
        private readonly double[] _data;
        private readonly int[] _assignment;
        private readonly int _fold;

        internal FoldRows(double[] data, int width, int[] assignment, int fold)
        {
            _data = data;
            _assignment = assignment;
            _fold = fold;
            Width = width;
            Count = assignment.Count(a => a != fold);
        }

        public int Width { get; }

        public int Count { get; }

        public void ForEachRow(RowAction action)
        {
            int k = 0;
            for (int i = 0; i < _assignment.Length; i++)
            {
                if (_assignment[i] != _fold)
                {
                    action(k++, _data.AsSpan(i * Width, Width));
                }
            }
        }

        public void Release()
        {
        }
    }

    /// <summary>
    /// The reconstruction errors of the rows of <paramref name="fold"/>, in order, measured in passes of the scorer's
    /// own chunk of rows (so each is the error scoring the whole fold at once gives) without a copy of the fold.
    /// </summary>
    private static List<double> HeldOutErrors(AnomalyModel model, double[] data, int width, int[] assignment, int fold)
    {
        var errors = new List<double>();
        var chunk = new double[BatchScorer.Chunk * width];
        int n = 0;
        for (int i = 0; i <= assignment.Length; i++)
        {
            if (n == BatchScorer.Chunk || (i == assignment.Length && n > 0))
            {
                errors.AddRange(model.ReconstructionErrors(chunk.AsSpan(0, n * width), n));
                n = 0;
            }

            if (i < assignment.Length && assignment[i] == fold)
            {
                Array.Copy(data, i * width, chunk, n++ * width, width);
            }
        }

        return errors;
    }
}
