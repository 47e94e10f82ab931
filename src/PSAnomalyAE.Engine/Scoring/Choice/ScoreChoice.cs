using PSAnomalyAE.Engine.Thresholds;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>What a model's score was chosen by.</summary>
public enum ScoreChoiceBasis
{
    /// <summary>At training: held-out normal rows against anomalies made from the training rows (<see cref="SyntheticAnomalies"/>).</summary>
    SyntheticAnomalies,
    /// <summary>After training: rows labelled normal or anomalous by the user.</summary>
    Labels,
    /// <summary>Nothing to judge by (windows, or one candidate): the default score was kept.</summary>
    Default,
}

/// <summary>
/// One candidate score of a model that chose its score: what it is, how it did on what the choice was judged by, and
/// the held-out normal rows' scores under it (sorted; at most <see cref="ScoreChoice.MaxHeldOutScores"/> of them,
/// evenly spaced order statistics beyond), from which the threshold is set when the candidate is chosen.
/// </summary>
/// <param name="Scoring">The candidate.</param>
/// <param name="SyntheticRocAuc">Mean ROC-AUC of the held-out rows against the synthetic anomalies of each kind; null when none were made.</param>
/// <param name="KindRocAuc">The ROC-AUC against each kind of synthetic anomaly, by kind.</param>
/// <param name="LabelRocAuc">ROC-AUC on the labelled rows of the last choice by labels; null before one.</param>
/// <param name="HeldOutScores">The held-out rows' scores, sorted ascending.</param>
public sealed record ScoreCandidate(
    ScoreMethod Scoring, double? SyntheticRocAuc, IReadOnlyDictionary<string, double> KindRocAuc, double? LabelRocAuc, double[] HeldOutScores);

/// <summary>
/// How a model trained with <see cref="ScoreMethod.Auto"/> chose its score, with the evidence: every candidate's
/// figures, and every term it fitted (<see cref="Terms"/>), so that a later choice by labels needs no training.
/// </summary>
/// <param name="Scoring">The score chosen.</param>
/// <param name="By">What it was chosen by.</param>
/// <param name="Margin">How much better than the default a candidate had to be to be chosen.</param>
/// <param name="Candidates">Every candidate, the default first.</param>
/// <param name="Terms">Every term fitted, the chosen score's among them.</param>
/// <param name="LabelledRows">For a choice by labels: the rows it was judged on, and how many of them were anomalies.</param>
/// <param name="Seconds">What the choice at training added to it: fitting every term and judging the candidates.</param>
public sealed record ScoreChoice(
    ScoreMethod Scoring, ScoreChoiceBasis By, double Margin, IReadOnlyList<ScoreCandidate> Candidates, IReadOnlyList<IScoreTerm> Terms,
    (int Rows, int Anomalies)? LabelledRows = null, double Seconds = 0)
{
    /// <summary>Held-out scores a candidate keeps at most.</summary>
    public const int MaxHeldOutScores = 2001;

    /// <summary>The chosen candidate.</summary>
    public ScoreCandidate Chosen => Candidates.First(c => c.Scoring == Scoring);

    /// <summary>
    /// For a choice by labels: the standard error of the chosen candidate's ROC-AUC on the labelled rows
    /// (<see cref="Roc.AucStandardError"/>); a candidate within it of the chosen one ranks the labelled rows about as
    /// well, as far as so many labelled anomalies can tell. Null for any other choice.
    /// </summary>
    public double? LabelRocAucError => By == ScoreChoiceBasis.Labels && LabelledRows is { } l && l.Anomalies > 0 && l.Rows > l.Anomalies && Chosen.LabelRocAuc is { } auc
        ? Roc.AucStandardError(auc, l.Anomalies, l.Rows - l.Anomalies)
        : null;

    /// <summary>The terms the chosen score sums.</summary>
    public IReadOnlyList<IScoreTerm> ScoreTerms => Engine.Scoring.ScoreTerms.Select(Terms, Scoring)
        ?? throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The model lacks a term of its chosen score {Scoring}.");

    /// <summary>One line on the choice, for -Verbose and the model's view.</summary>
    public string Summary()
    {
        string figures = string.Join(", ", Candidates.Select(c => c.Scoring + " " + Figure(c)));
        return By switch
        {
            ScoreChoiceBasis.Labels => $"{Scoring}, chosen by {LabelledRows?.Rows} labelled rows ({LabelledRows?.Anomalies} anomalies); ROC-AUC {figures}",
            ScoreChoiceBasis.SyntheticAnomalies => FormattableString.Invariant($"{Scoring}, chosen by synthetic anomalies (the default stays unless another wins by {Margin:0.###}) in {Seconds:0.0} s; ROC-AUC {figures}"),
            _ => $"{Scoring}, the default: nothing to choose by ({(Candidates.Count < 2 ? "one candidate" : "windows")})",
        };

        string Figure(ScoreCandidate c) => (By == ScoreChoiceBasis.Labels ? c.LabelRocAuc : c.SyntheticRocAuc) is { } v
            ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)
            : "n/a";
    }

    /// <summary>Sorted scores thinned to at most <see cref="MaxHeldOutScores"/> evenly spaced order statistics, the lowest and highest kept.</summary>
    public static double[] Thin(double[] sorted)
    {
        if (sorted.Length <= MaxHeldOutScores)
        {
            return sorted;
        }

        var thin = new double[MaxHeldOutScores];
        for (int i = 0; i < thin.Length; i++)
        {
            thin[i] = sorted[(int)Math.Round((double)i * (sorted.Length - 1) / (thin.Length - 1))];
        }

        return thin;
    }
}
