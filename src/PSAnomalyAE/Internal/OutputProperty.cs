using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>The names of the properties the scoring cmdlets add to each row: the one place they are spelled.</summary>
internal static class OutputProperty
{
    /// <summary>The row's score, which the threshold applies to: the sum of its score terms' parts.</summary>
    internal const string Score = "Score";

    /// <summary>The row's reconstruction error (the first score term; every term adds a column named after it, see ScoreTerms).</summary>
    internal const string ReconstructionError = ReconstructionTerm.TermName;
    internal const string FeatureErrors = "FeatureErrors";
    internal const string Threshold = "Threshold";
    internal const string Anomaly = "Anomaly";
    /// <summary>The score divided by the threshold: 1 on the line, 3 three times past it.</summary>
    internal const string ScoreToThreshold = "ScoreToThreshold";
    internal const string Severity = "Severity";
    /// <summary>The share (0-100) of the model's normal reference rows whose score is at or below the row's.</summary>
    internal const string ScorePercentile = "ScorePercentile";
    internal const string TopFeatures = "TopFeatures";
    internal const string Reason = "Reason";
    internal const string ModelName = "ModelName";

    /// <summary>Measure-AEReconstructionError -FlattenFeatureErrors: one column per feature, "Error_" + the feature's name.</summary>
    internal const string FeatureErrorPrefix = "Error_";

    /// <summary>
    /// The columns of a row scored by <paramref name="model"/>: its score, then each score term's raw value under the
    /// term's name (ReconstructionError first).
    /// </summary>
    internal static string[] ScoreColumns(AnomalyModel model) => model.ScoreTerms.Select(t => t.Name).Prepend(Score).ToArray();

    /// <summary>Sets a row's score and its terms' values (all null for a row with no score yet).</summary>
    internal static void SetScores(Action<PSObject, string, object?> set, PSObject output, ScoreResult result, int index)
    {
        bool scored = !double.IsNaN(result.Scores[index]);
        set(output, Score, scored ? result.Scores[index] : null);
        foreach (TermValues term in result.Terms)
        {
            set(output, term.Name, scored ? term.Values[index] : null);
        }
    }
}
