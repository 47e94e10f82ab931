namespace PSAnomalyAE.Engine;

/// <summary>Choosing the score of a trained model again, from labelled rows, among the candidates it was trained with.</summary>
public sealed partial class AnomalyModel
{
    /// <summary>
    /// Scores <paramref name="rows"/> labelled rows of raw values (row-major, encoded by <see cref="Encoding"/>) by every
    /// candidate of the model's <see cref="ScoreChoice"/> and returns the choice they make: the candidate with the
    /// highest ROC-AUC on them (<see cref="ScoreSelection.ByLabels"/>). Nothing changes until <see cref="SetScoreChoice"/>.
    /// </summary>
    public ScoreChoice ChooseScore(double[] data, int rows, IReadOnlyList<bool> isAnomaly)
    {
        ScoreChoice current = ScoreChoice ?? throw new AnomalyDetectionException(
            AnomalyErrorKind.InvalidArgument,
            $"The model scores by {Scoring} and keeps no other candidate scores to choose among.")
        {
            RecommendedAction = "Train it with -Scoring Auto (the model then keeps every candidate), then choose with labelled rows.",
        };

        if (isAnomaly.Count != rows)
        {
            throw new ArgumentException("There must be one label per row.", nameof(isAnomaly));
        }

        ScoreResult scored = ScoreWith(current.Terms, data, rows, 0, 0);

        // With windows, the first rows have no score yet: they are left out.
        int[] kept = Enumerable.Range(0, rows).Where(r => scored.Terms.All(t => double.IsFinite(t.Values[r]))).ToArray();
        double[][] values = scored.Terms.Select(t => kept.Select(r => t.Values[r]).ToArray()).ToArray();
        return ScoreSelection.ByLabels(current, values, kept.Select(r => isAnomaly[r]).ToArray());
    }

    /// <summary>
    /// Makes the model score by <paramref name="choice"/>'s candidate (one of its own: made by <see cref="ChooseScore"/>).
    /// The threshold becomes the training percentile of the held-out rows' scores under it, as training sets it, and
    /// those scores become the normal rows' scores that percentiles are measured against.
    /// </summary>
    public void SetScoreChoice(ScoreChoice choice)
    {
        if (ScoreChoice is not { } current || !ReferenceEquals(current.Terms, choice.Terms))
        {
            throw new ArgumentException("The choice must be one made from this model's candidates.", nameof(choice));
        }

        IReadOnlyList<IScoreTerm> terms = choice.ScoreTerms;
        double[] heldOut = choice.Chosen.HeldOutScores;
        _sync.EnterWriteLock();
        try
        {
            ScoreChoice = choice;
            ScoreTerms = terms;
            if (heldOut.Length > 0)
            {
                _validationErrors = heldOut;
                _threshold = ProvisionalThreshold(heldOut);
            }
        }
        finally
        {
            _sync.ExitWriteLock();
        }
    }
}
