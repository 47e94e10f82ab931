namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// The score terms a model can have, and how they make a row's score: each term's contribution, summed. A new term is
/// a class of its own (an <see cref="IScoreTerm"/> with static Fit and Restore methods), one line in
/// <see cref="s_kinds"/>, and its name in the lists of the score methods that use it (<see cref="For"/>).
/// </summary>
public static class ScoreTerms
{
    private sealed record Kind(string Name, Func<TermTraining, IScoreTerm?> Fit, Func<ScoreTermState, TermBatchShape, IScoreTerm> Restore);

    private static readonly Kind[] s_kinds =
    {
        new(ReconstructionTerm.TermName, ReconstructionTerm.Fit, ReconstructionTerm.Restore),
        new(NeighbourTerm.TermName, NeighbourTerm.Fit, NeighbourTerm.Restore),
        new(PcaResidualTerm.TermName, PcaResidualTerm.Fit, PcaResidualTerm.Restore),
        new(IsolationTerm.TermName, IsolationTerm.Fit, IsolationTerm.Restore),
    };

    /// <summary>The scores a model can be made to score by: each term alone and the default sum, the default first.</summary>
    public static IReadOnlyList<ScoreMethod> Candidates { get; } = new[]
    {
        ScoreMethod.ReconstructionAndDistance, ScoreMethod.Distance, ScoreMethod.Reconstruction, ScoreMethod.PcaResidual, ScoreMethod.Isolation,
    };

    /// <summary>The score of a model whose score is the reconstruction error alone.</summary>
    public static IReadOnlyList<IScoreTerm> Plain { get; } = new IScoreTerm[] { ReconstructionTerm.Plain };

    /// <summary>The names of the terms a score method is made of, in the order they are summed (for Auto: every term it fits).</summary>
    public static string[] For(ScoreMethod method) => method switch
    {
        ScoreMethod.ReconstructionAndDistance => new[] { ReconstructionTerm.TermName, NeighbourTerm.TermName },
        ScoreMethod.Distance => new[] { NeighbourTerm.TermName },
        ScoreMethod.PcaResidual => new[] { PcaResidualTerm.TermName },
        ScoreMethod.Isolation => new[] { IsolationTerm.TermName },
        ScoreMethod.Auto => new[] { ReconstructionTerm.TermName, NeighbourTerm.TermName, PcaResidualTerm.TermName, IsolationTerm.TermName },
        _ => new[] { ReconstructionTerm.TermName },
    };

    /// <summary>The score method a list of terms makes: the one rule for what a trained or stored model scores by.</summary>
    public static ScoreMethod MethodOf(IEnumerable<string> names)
    {
        string[] given = names.ToArray();
        foreach (ScoreMethod m in Candidates)
        {
            if (For(m).SequenceEqual(given))
            {
                return m;
            }
        }

        throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, $"The score terms {string.Join(", ", given)} are not a score this version of PSAnomalyAE knows.");
    }

    /// <summary>The terms of <paramref name="method"/> among <paramref name="terms"/>, in its order; null when one is missing.</summary>
    public static IReadOnlyList<IScoreTerm>? Select(IReadOnlyList<IScoreTerm> terms, ScoreMethod method)
    {
        IScoreTerm?[] chosen = For(method).Select(n => terms.FirstOrDefault(t => t.Name == n)).ToArray();
        return chosen.All(t => t is not null) ? chosen.Select(t => t!).ToArray() : null;
    }

    /// <summary>
    /// Fits every term on <paramref name="training"/>, in the order of <see cref="s_kinds"/>, and keeps those that
    /// could be calibrated: the terms a score is chosen among.
    /// </summary>
    public static IReadOnlyList<IScoreTerm> FitEach(TermTraining training) =>
        s_kinds.Select(k => k.Fit(training)).Where(t => t is not null).Select(t => t!).ToArray();

    /// <inheritdoc cref="MethodOf(IEnumerable{string})"/>
    public static ScoreMethod MethodOf(IEnumerable<IScoreTerm> terms) => MethodOf(terms.Select(t => t.Name));

    /// <summary>True when <paramref name="terms"/> score by the raw reconstruction error alone.</summary>
    public static bool IsPlain(IReadOnlyList<IScoreTerm> terms) => terms is [ReconstructionTerm { Median: null }];

    /// <summary>
    /// Fits the terms of <paramref name="method"/> on <paramref name="training"/>. A score of the reconstruction error
    /// alone stays the raw error (the scale of every threshold chosen since the first model format). When a term cannot
    /// be calibrated (its held-out median is 0, or there are no held-out rows) the score falls back to the raw
    /// reconstruction error: a term left out would change what the others mean.
    /// </summary>
    public static IReadOnlyList<IScoreTerm> Fit(ScoreMethod method, TermTraining training)
    {
        string[] names = For(method);
        if (names is [ReconstructionTerm.TermName])
        {
            return Plain;
        }

        // Every term is fitted, even after one fails, so the run's random numbers are drawn the same way each time.
        IScoreTerm?[] fitted = names.Select(n => KindOf(n).Fit(training)).ToArray();
        return fitted.All(t => t is not null) ? fitted.Select(t => t!).ToArray() : Plain;
    }

    /// <summary>Rebuilds terms from their saved states, checking each against the samples the model makes.</summary>
    public static IReadOnlyList<IScoreTerm> Restore(IEnumerable<ScoreTermState> states, TermBatchShape shape)
    {
        IScoreTerm[] terms = states.Select(s => KindOf(s.Name).Restore(s, shape)).ToArray();
        if (terms.Length == 0 || terms.Select(t => t.Name).Distinct().Count() != terms.Length)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The model file's score terms are missing or repeated.");
        }

        return IsPlain(terms) || terms.All(t => t is not ReconstructionTerm { Median: null }) ? terms : throw new AnomalyDetectionException(
            AnomalyErrorKind.InvalidModelFile, "The model file's score mixes a raw reconstruction error with other terms.");
    }

    /// <summary>Each term's raw values for <paramref name="batch"/>, in the order of <paramref name="terms"/>.</summary>
    public static double[][] Measure(IReadOnlyList<IScoreTerm> terms, TermBatch batch) =>
        terms.Select(t => batch.Measured.TryGetValue(t, out double[]? measured) ? measured : t.Measure(batch)).ToArray();

    /// <summary>The score of each sample: the sum of its terms' contributions.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double[] Compose(IReadOnlyList<IScoreTerm> terms, double[][] values)
    {
        int count = values.Length == 0 ? 0 : values[0].Length;
        var scores = new double[count];
        for (int i = 0; i < count; i++)
        {
            double sum = terms[0].Contribution(values[0][i]);
            for (int t = 1; t < terms.Count; t++)
            {
                sum += terms[t].Contribution(values[t][i]);
            }

            scores[i] = sum;
        }

        return scores;
    }

    private static Kind KindOf(string name) => s_kinds.FirstOrDefault(k => k.Name == name)
        ?? throw new AnomalyDetectionException(AnomalyErrorKind.NewerModelFile, $"The score term '{name}' is not one this version of PSAnomalyAE knows.")
        {
            RecommendedAction = "Update the PSAnomalyAE module to read this model.",
        };
}
