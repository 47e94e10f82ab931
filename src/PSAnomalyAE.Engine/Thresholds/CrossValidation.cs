using System.Diagnostics;

namespace PSAnomalyAE.Engine.Thresholds;

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
    /// Runs the cross-validation. <paramref name="onFold"/> is told about every finished fit; when
    /// <paramref name="cancel"/> fires, the candidates whose folds all finished are returned.
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
        int width = encoding.Width;
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

        int seed = spec.Seed ?? Random.Shared.Next();
        int[] assignment = AssignFolds(rows, folds, seed);
        var finished = new List<CandidateResult>();
        foreach (int size in candidates)
        {
            var errors = new List<double>();
            var aucs = new List<double>();
            var clock = Stopwatch.StartNew();
            for (int f = 0; f < folds && !cancel.IsCancellationRequested; f++)
            {
                (double[] train, int nTrain) = Rows(data, width, assignment, f, holdOut: false);
                (double[] held, int nHeld) = Rows(data, width, assignment, f, holdOut: true);
                var foldSpec = spec.Clone();
                foldSpec.LatentSize = size;
                foldSpec.Seed = seed + f;
                var fit = Stopwatch.StartNew();
                using var model = new AnomalyModel(foldSpec);
                try
                {
                    model.Train(encoding, train, nTrain, cancel: cancel);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                double mean = model.Score(held, nHeld).Errors.Average();
                double? auc = null;
                if (labelled is not null && rocAuc is not null)
                {
                    auc = rocAuc(model.Score(labelled.Data, labelled.Rows).Errors, labelled.IsAnomaly);
                    aucs.Add(auc.Value);
                }

                errors.Add(mean);
                onFold?.Invoke(new FoldResult(size, f + 1, mean, fit.Elapsed.TotalSeconds, auc));
            }

            if (errors.Count < folds)
            {
                break; // cancelled part-way through this candidate
            }

            double avg = errors.Average();
            double sd = Math.Sqrt(errors.Sum(e => (e - avg) * (e - avg)) / (errors.Count - 1));
            finished.Add(new CandidateResult(size, folds, avg, sd, sd / Math.Sqrt(folds), clock.Elapsed.TotalSeconds, aucs.Count > 0 ? aucs.Average() : null, false));
        }

        return Recommend(finished);
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

    private static (double[] Data, int Rows) Rows(double[] data, int width, int[] assignment, int fold, bool holdOut)
    {
        int n = assignment.Count(a => (a == fold) == holdOut);
        var result = new double[n * width];
        int k = 0;
        for (int i = 0; i < assignment.Length; i++)
        {
            if ((assignment[i] == fold) == holdOut)
            {
                Array.Copy(data, i * width, result, k++ * width, width);
            }
        }

        return (result, n);
    }
}
