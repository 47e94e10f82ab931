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
    [property: JsonPropertyName("Tensors")] string[]? Tensors);

/// <summary>
/// How a model's score terms are kept in its file, in every format: format 1 has none (the raw reconstruction error),
/// format 2 has the distance term as "Neighbours", format 3 and later keep every term as one "ScoreTerms" list, each
/// term's arrays in the weight block under "score.&lt;term&gt;.&lt;array&gt;".
/// </summary>
internal static class ScoreTermFile
{
    private const string TensorPrefix = "score.";

    /// <summary>The format version a model with <paramref name="terms"/> is written in: 1 for the raw reconstruction error alone, so older readers read it.</summary>
    public static int VersionFor(IReadOnlyList<IScoreTerm> terms) => ScoreTerms.IsPlain(terms) ? 1 : 3;

    /// <summary>The header records of <paramref name="terms"/> (null for the raw reconstruction error alone) and the arrays they name.</summary>
    public static (List<ScoreTermRecord>? Records, List<WeightTensor> Tensors) ToRecords(IReadOnlyList<IScoreTerm> terms)
    {
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
            records.Add(new ScoreTermRecord(state.Name, state.Median, state.Settings.Count > 0 ? new Dictionary<string, double>(state.Settings) : null, names.Length > 0 ? names : null));
        }

        return (records, tensors);
    }

    /// <summary>The names of the terms a header's model scores by.</summary>
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
