using PSAnomalyAE.Engine.Thresholds;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Chooses a model's score among its candidates (<see cref="ScoreTerms.Candidates"/>): at training from the training
/// data alone (<see cref="FromTraining"/>), or later from labelled rows (<see cref="ByLabels"/>).
/// </summary>
public static class ScoreSelection
{
    /// <summary>
    /// The choice at training. Every candidate the fitted <paramref name="terms"/> make is scored on the held-out rows
    /// and, for models of one row per sample, on synthetic anomalies of each kind made from the training rows
    /// (<see cref="SyntheticAnomalies"/>); its figure is the mean over the kinds of the ROC-AUC of the held-out rows
    /// against that kind. The default stays unless another candidate's figure is higher by <paramref name="margin"/>.
    /// </summary>
    internal static ScoreChoice FromTraining(
        AutoencoderNet net, TrainingSet set, TermBatch heldOut, IReadOnlyList<IScoreTerm> terms, Random rng, double margin)
    {
        ScoreMethod[] methods = ScoreTerms.Candidates.Where(m => ScoreTerms.Select(terms, m) is not null).ToArray();
        if (methods.Length == 0)
        {
            throw new InvalidOperationException("No candidate score could be fitted.");
        }

        double[][] heldValues = ScoreTerms.Measure(terms, heldOut);
        double[][] heldScores = methods.Select(m => Scores(terms, m, heldValues)).ToArray();
        bool judge = set.Window == 1 && methods.Length > 1 && heldOut.Count > 0 && set.TrainEnds.Length > 1;
        var kinds = methods.Select(_ => new Dictionary<string, double>()).ToArray();
        if (judge)
        {
            float[] trainRows = TrainingRows(set);
            int perKind = Math.Clamp(heldOut.Count, 100, ModelDefaults.SyntheticAnomaliesPerKind);
            float[][] made = SyntheticAnomalies.Make(trainRows, set.TrainEnds.Length, set.Width, perKind, rng);
            for (int k = 0; k < made.Length; k++)
            {
                TermBatch batch = BatchScorer.Reconstruct(net, set.Pca, 1, made[k], set.Width, Enumerable.Range(0, perKind).ToArray(), errorsOnly: true);
                double[][] values = ScoreTerms.Measure(terms, batch);
                for (int m = 0; m < methods.Length; m++)
                {
                    kinds[m][SyntheticAnomalies.Kinds[k]] = RocAuc(heldScores[m], Scores(terms, methods[m], values));
                }
            }
        }

        var candidates = methods.Select((m, i) => new ScoreCandidate(
            m, judge ? kinds[i].Values.Average() : null, kinds[i], null, ScoreChoice.Thin(heldScores[i].Order().ToArray()))).ToArray();
        ScoreMethod chosen = methods[0];
        if (judge)
        {
            ScoreCandidate best = candidates.MaxBy(c => c.SyntheticRocAuc!.Value)!;
            if (best.SyntheticRocAuc > candidates[0].SyntheticRocAuc + margin)
            {
                chosen = best.Scoring;
            }
        }

        return new ScoreChoice(chosen, judge ? ScoreChoiceBasis.SyntheticAnomalies : ScoreChoiceBasis.Default, margin, candidates, terms);
    }

    /// <summary>
    /// The choice by labelled rows: each candidate's ROC-AUC on them, from the terms' raw values on those rows
    /// (<paramref name="values"/>, one array per term of <paramref name="current"/>, in its order). The candidate with
    /// the highest wins; on a tie the current score stays, then the earlier candidate.
    /// </summary>
    public static ScoreChoice ByLabels(ScoreChoice current, double[][] values, IReadOnlyList<bool> isAnomaly)
    {
        Roc.RequireBothClasses(isAnomaly.ToArray());
        var candidates = current.Candidates
            .Select(c => c with { LabelRocAuc = RocAuc(Scores(current.Terms, c.Scoring, values), isAnomaly) })
            .ToArray();

        ScoreCandidate best = candidates.First(c => c.Scoring == current.Scoring);
        foreach (ScoreCandidate c in candidates)
        {
            if (c.LabelRocAuc > best.LabelRocAuc)
            {
                best = c;
            }
        }

        return current with
        {
            Scoring = best.Scoring,
            By = ScoreChoiceBasis.Labels,
            Candidates = candidates,
            LabelledRows = (isAnomaly.Count, isAnomaly.Count(a => a)),
        };
    }

    /// <summary>The ROC-AUC of normal rows' scores against anomalies' scores (ties count half); NaN scores rank lowest, with −∞, and +∞ highest.</summary>
    public static double RocAuc(double[] normal, double[] anomalous)
    {
        double[] scores = normal.Concat(anomalous).ToArray();
        bool[] labels = normal.Select(_ => false).Concat(anomalous.Select(_ => true)).ToArray();
        return RocAuc(scores, labels);
    }

    private static double RocAuc(double[] scores, IReadOnlyList<bool> labels) =>
        Roc.Curve(scores.Select(Rankable).ToArray(), labels).RocAuc;

    // Roc.Curve takes finite scores only; a candidate that overflows or fails on a row is still judged, with that row at an end.
    private static double Rankable(double score) =>
        double.IsNaN(score) || double.IsNegativeInfinity(score) ? double.MinValue
        : double.IsPositiveInfinity(score) ? double.MaxValue
        : score;

    /// <summary>The scores of <paramref name="method"/> from the raw values of every term (<paramref name="values"/>, in the order of <paramref name="terms"/>).</summary>
    public static double[] Scores(IReadOnlyList<IScoreTerm> terms, ScoreMethod method, double[][] values)
    {
        IReadOnlyList<IScoreTerm> sum = ScoreTerms.Select(terms, method)!;
        double[][] own = sum.Select(t => values[IndexOf(terms, t)]).ToArray();
        return ScoreTerms.Compose(sum, own);
    }

    private static int IndexOf(IReadOnlyList<IScoreTerm> terms, IScoreTerm term)
    {
        for (int i = 0; i < terms.Count; i++)
        {
            if (ReferenceEquals(terms[i], term))
            {
                return i;
            }
        }

        throw new InvalidOperationException("The term is not one of the model's.");
    }

    /// <summary>The training rows (scaled, before any PCA), one per sample of a model without windows.</summary>
    private static float[] TrainingRows(TrainingSet set)
    {
        // Without a scaled copy of every row, each sample is a training row, scaled.
        return set.Scaled is null ? set.TrainSamples : Windows.Gather(set.Scaled, set.Width, 1, set.TrainEnds);
    }
}
