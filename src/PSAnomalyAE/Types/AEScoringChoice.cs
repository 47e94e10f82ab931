using System.Globalization;

namespace PSAnomalyAE;

/// <summary>
/// How a model trained with -Scoring Auto chose its score: what it chose, what it judged by, and every candidate's
/// figures. Shown by the model, Get-AEModelInfo and Find-AEScoring.
/// </summary>
public sealed class AEScoringChoice
{
    internal AEScoringChoice(ScoreChoice choice)
    {
        Scoring = EnumMap.Convert<AEScoring>(choice.Scoring);
        ChosenBy = choice.By.ToString();
        Margin = choice.Margin;
        LabelledRows = choice.LabelledRows?.Rows;
        LabelledAnomalies = choice.LabelledRows?.Anomalies;
        LabelRocAucError = choice.LabelRocAucError;
        Seconds = choice.Seconds;
        Candidates = choice.Candidates.Select(c => new AEScoringCandidate(c, c.Scoring == choice.Scoring)).ToArray();
        _summary = choice.Summary();
    }

    private readonly string _summary;

    /// <summary>The score chosen.</summary>
    public AEScoring Scoring { get; }

    /// <summary>SyntheticAnomalies (at training, from the training rows), Labels (Find-AEScoring) or Default (nothing to judge by).</summary>
    public string ChosenBy { get; }

    /// <summary>How much higher than the default's a candidate's synthetic ROC-AUC had to be for training to choose it.</summary>
    public double Margin { get; }

    /// <summary>For a choice by labels: the labelled rows it was judged on, and the anomalies among them.</summary>
    public int? LabelledRows { get; }

    /// <inheritdoc cref="LabelledRows"/>
    public int? LabelledAnomalies { get; }

    /// <summary>
    /// For a choice by labels: the standard error of the chosen score's ROC-AUC on the labelled rows (Hanley and McNeil).
    /// A candidate within it ranks them about as well, as far as so many labelled anomalies can tell.
    /// </summary>
    public double? LabelRocAucError { get; }

    /// <summary>What choosing at training added to the training time, in seconds: fitting every candidate's terms and judging them.</summary>
    public double Seconds { get; }

    /// <summary>Every candidate, the default first.</summary>
    public AEScoringCandidate[] Candidates { get; }

    public override string ToString() => _summary;
}

/// <summary>One candidate score of a model and its figures.</summary>
public sealed class AEScoringCandidate
{
    internal AEScoringCandidate(ScoreCandidate c, bool chosen)
    {
        Scoring = EnumMap.Convert<AEScoring>(c.Scoring);
        Chosen = chosen;
        SyntheticRocAuc = c.SyntheticRocAuc;
        LabelRocAuc = c.LabelRocAuc;
        foreach ((string kind, double auc) in c.KindRocAuc)
        {
            switch (kind)
            {
                case "Local": LocalRocAuc = auc; break;
                case "Cluster": ClusterRocAuc = auc; break;
                case "Global": GlobalRocAuc = auc; break;
                case "Dependency": DependencyRocAuc = auc; break;
            }
        }
    }

    public AEScoring Scoring { get; }

    /// <summary>True for the model's score.</summary>
    public bool Chosen { get; }

    /// <summary>ROC-AUC of the held-out normal rows against the synthetic anomalies: the mean over the four kinds.</summary>
    public double? SyntheticRocAuc { get; }

    /// <summary>Against anomalies near normal rows, scattered with about 5 times their neighbourhood's variance.</summary>
    public double? LocalRocAuc { get; }

    /// <summary>Against clusters of rows moved away from the normal ones.</summary>
    public double? ClusterRocAuc { get; }

    /// <summary>Against rows uniform over each column's training range.</summary>
    public double? GlobalRocAuc { get; }

    /// <summary>Against rows whose columns each come from a different training row.</summary>
    public double? DependencyRocAuc { get; }

    /// <summary>ROC-AUC on the labelled rows of the last Find-AEScoring; empty before one.</summary>
    public double? LabelRocAuc { get; }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{Scoring}{(Chosen ? " (chosen)" : string.Empty)}: synthetic {SyntheticRocAuc:0.000}, labels {LabelRocAuc:0.000}");
}
