namespace PSAnomalyAE.Engine.Persistence;

/// <summary>A model's choice of score in its file (format 4), to and from <see cref="ScoreChoiceRecord"/>.</summary>
internal static class ScoreChoiceFile
{
    public static ScoreChoiceRecord ToRecord(ScoreChoice choice) => new(
        choice.Scoring.ToString(),
        choice.By.ToString(),
        choice.Margin,
        choice.Candidates.Select(c => new ScoreCandidateRecord(
            c.Scoring.ToString(),
            c.SyntheticRocAuc,
            c.KindRocAuc.Count > 0 ? new Dictionary<string, double>(c.KindRocAuc) : null,
            c.LabelRocAuc,
            c.HeldOutScores)).ToList(),
        choice.LabelledRows?.Rows,
        choice.LabelledRows?.Anomalies,
        choice.Seconds);

    /// <summary>
    /// The choice a file records, over the model's restored <paramref name="terms"/>; every candidate's terms must be
    /// among them. Without terms (describing a file without loading it) the choice has none.
    /// </summary>
    public static ScoreChoice FromRecord(ScoreChoiceRecord record, IReadOnlyList<IScoreTerm>? terms)
    {
        if (!Enum.TryParse(record.By, ignoreCase: false, out ScoreChoiceBasis by) || !Enum.IsDefined(by) || record.Candidates is not { Count: > 0 })
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's choice of score is incomplete.");
        }

        var candidates = record.Candidates.Select(c => new ScoreCandidate(
            ScoreTermFile.ParseMethod(c.Score),
            c.SyntheticRocAuc,
            c.KindRocAuc ?? new Dictionary<string, double>(),
            c.LabelRocAuc,
            c.HeldOutScores ?? Array.Empty<double>())).ToList();
        var choice = new ScoreChoice(
            ScoreTermFile.ParseMethod(record.Score),
            by,
            record.Margin,
            candidates,
            terms ?? Array.Empty<IScoreTerm>(),
            record.LabelledRows is { } rows && record.LabelledAnomalies is { } anomalies ? (rows, anomalies) : null,
            record.Seconds is { } s && double.IsFinite(s) && s >= 0 ? s : 0);
        if ((terms is not null && candidates.Any(c => ScoreTerms.Select(terms, c.Scoring) is null)) || candidates.All(c => c.Scoring != choice.Scoring)
            || candidates.Select(c => c.Scoring).Distinct().Count() != candidates.Count)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's candidate scores and score terms disagree.");
        }

        return choice;
    }
}
