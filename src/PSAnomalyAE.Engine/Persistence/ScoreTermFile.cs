using System.Text.Json.Serialization;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// A score term in the model file (format 3): its name, its median on the held-out rows, its numeric settings and the
/// names of its arrays in the weight block.
/// </summary>
internal sealed record ScoreTermRecord(
    [property: JsonPropertyName("Term")] string Term,
    [property: JsonPropertyName("Median")] double? Median,
    [property: JsonPropertyName("Settings")] Dictionary<string, double>? Settings,
    [property: JsonPropertyName("Tensors")] string[]? Tensors)
{
    /// <summary>False for a term the model keeps as a candidate but does not score by (format 4); omitted when it does.</summary>
    [JsonPropertyName("InScore")]
    public bool? InScore { get; init; }
}

/// <summary>How a model's score was chosen (format 4; <see cref="ScoreChoice"/>).</summary>
internal sealed record ScoreChoiceRecord(
    [property: JsonPropertyName("Score")] string Score,
    [property: JsonPropertyName("By")] string By,
    [property: JsonPropertyName("Margin")] double Margin,
    [property: JsonPropertyName("Candidates")] List<ScoreCandidateRecord> Candidates,
    [property: JsonPropertyName("LabelledRows")] int? LabelledRows,
    [property: JsonPropertyName("LabelledAnomalies")] int? LabelledAnomalies,
    [property: JsonPropertyName("Seconds")] double? Seconds = null);

/// <summary>One candidate score of a <see cref="ScoreChoiceRecord"/>.</summary>
internal sealed record ScoreCandidateRecord(
    [property: JsonPropertyName("Score")] string Score,
    [property: JsonPropertyName("SyntheticRocAuc")] double? SyntheticRocAuc,
    [property: JsonPropertyName("KindRocAuc")] Dictionary<string, double>? KindRocAuc,
    [property: JsonPropertyName("LabelRocAuc")] double? LabelRocAuc,
    [property: JsonPropertyName("HeldOutScores")] double[]? HeldOutScores);

/// <summary>
/// How a model's score terms are kept in its file, in every format: format 1 has none (the raw reconstruction error),
/// format 2 has the distance term as "Neighbours", format 3 and later keep every term as one "ScoreTerms" list, each
/// term's arrays in the weight block under "score.&lt;term&gt;.&lt;array&gt;". Format 4 adds a model's choice of score
/// ("ScoreChoice") and keeps the terms of every candidate, those outside the score marked "InScore": false.
/// </summary>
internal static class ScoreTermFile
{
    private const string TensorPrefix = "score.";

    /// <summary>
    /// Throws when the terms' "InScore" marks disagree with the score <paramref name="choice"/> names: a header edited
    /// by hand, or by a tool that changed one and not the other, would otherwise score by terms its file says it does not.
    /// </summary>
    public static void RequireMarksAgree(IReadOnlyList<ScoreTermRecord>? records, ScoreChoice? choice)
    {
        if (choice is null || records is null)
        {
            return;
        }

        IReadOnlyList<IScoreTerm> score = choice.ScoreTerms;
        if (records.Any(r => (r.InScore != false) != score.Any(t => t.Name == r.Term)))
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidModelFile,
                $"Its score terms marked \"InScore\" do not match its chosen score ({choice.Scoring}).");
        }
    }

    /// <summary>The format version a model with <paramref name="terms"/> is written in: 1 for the raw reconstruction error alone, so older readers read it.</summary>
    public static int VersionFor(IReadOnlyList<IScoreTerm> terms, ScoreChoice? choice) => choice is not null ? 4 : ScoreTerms.IsPlain(terms) ? 1 : 3;

    /// <summary>
    /// The header records of a model's terms (null for the raw reconstruction error alone) and the arrays they name:
    /// every term of its <paramref name="choice"/> when it has one, each marked whether it is in the score.
    /// </summary>
    public static (List<ScoreTermRecord>? Records, List<WeightTensor> Tensors) ToRecords(IReadOnlyList<IScoreTerm> score, ScoreChoice? choice = null)
    {
        IReadOnlyList<IScoreTerm> terms = choice?.Terms ?? score;
        var tensors = new List<WeightTensor>();
        if (ScoreTerms.IsPlain(terms))
        {
            return (null, tensors);
        }

        var records = new List<ScoreTermRecord>();
        foreach (ScoreTermState state in terms.Select(t => t.Save()))
        {
            string[] names = state.Tensors.Select(t => TensorPrefix + state.Name + "." + t.Name).ToArray();
            tensors.AddRange(state.Tensors.Select((t, i) => t with { Name = names[i] }));
            records.Add(new ScoreTermRecord(state.Name, state.Median, state.Settings.Count > 0 ? new Dictionary<string, double>(state.Settings) : null, names.Length > 0 ? names : null)
            {
                InScore = score.Any(t => t.Name == state.Name) ? null : false,
            });
        }

        return (records, tensors);
    }

    /// <summary>The score a header's model scores by.</summary>
    public static ScoreMethod Method(ModelRecord header) =>
        header.ScoreChoice is { } c ? ParseMethod(c.Score) : ScoreTerms.MethodOf(Names(header));

    /// <summary>A score method by its name in the file.</summary>
    public static ScoreMethod ParseMethod(string name) =>
        Enum.TryParse(name, ignoreCase: false, out ScoreMethod m) && m != ScoreMethod.Auto && Enum.IsDefined(m) && !int.TryParse(name, out _)
            ? m
            : throw new AnomalyDetectionException(AnomalyErrorKind.NewerModelFile, $"The score '{name}' is not one this version of PSAnomalyAE knows.")
            {
                RecommendedAction = "Update the PSAnomalyAE module to read this model.",
            };

    /// <summary>The names of the terms a header's model scores by (without a choice of score).</summary>
    public static IEnumerable<string> Names(ModelRecord header) =>
        header.ScoreTerms?.Select(t => t.Term)
        ?? (header.Neighbours is null ? ScoreTerms.For(ScoreMethod.Reconstruction) : ScoreTerms.For(ScoreMethod.ReconstructionAndDistance));

    /// <summary>The weight-block arrays that belong to the score terms, not to the network.</summary>
    public static HashSet<string> TensorNames(ModelRecord header) => new(
        header.ScoreTerms?.SelectMany(t => t.Tensors ?? Array.Empty<string>())
        ?? (header.Neighbours is { } n ? new[] { n.Tensor } : Array.Empty<string>()));

    /// <summary>The saved states of a header's score terms, their arrays taken from <paramref name="weights"/>.</summary>
    public static List<ScoreTermState> States(ModelRecord header, IReadOnlyList<WeightTensor> weights, Func<string, Exception> damaged)
    {
        WeightTensor Find(string name) => weights.FirstOrDefault(w => w.Name == name) ?? throw damaged($"its score array '{name}' is missing.");

        if (header.ScoreTerms is { } records)
        {
            return records.Select(r =>
            {
                string prefix = TensorPrefix + r.Term + ".";
                var arrays = (r.Tensors ?? Array.Empty<string>()).Select(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.Length > prefix.Length
                    ? Find(n) with { Name = n[prefix.Length..] }
                    : throw damaged($"its score array '{n}' does not belong to the term '{r.Term}'.")).ToList();
                return new ScoreTermState(r.Term, r.Median, r.Settings ?? new Dictionary<string, double>(), arrays);
            }).ToList();
        }

        if (header.Neighbours is { } nr)
        {
            // Format 2: the distance term, with the reconstruction error's median beside its own.
            var reference = Find(nr.Tensor) with { Name = "reference" };
            return new List<ScoreTermState>
            {
                new(ReconstructionTerm.TermName, nr.ErrorMedian, new Dictionary<string, double>(), Array.Empty<WeightTensor>()),
                new(NeighbourTerm.TermName, nr.DistanceMedian, new Dictionary<string, double> { ["K"] = nr.K }, new[] { reference }),
            };
        }

        return ScoreTerms.Plain.Select(t => t.Save()).ToList();
    }
}
