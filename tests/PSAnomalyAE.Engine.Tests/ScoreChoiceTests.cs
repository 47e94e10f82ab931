using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// A score chosen per data set: the PCA-residual term, the choice at training from synthetic anomalies
/// (<see cref="ScoreMethod.Auto"/>), the choice by labelled rows, and both kept in the model file.
/// </summary>
public sealed class ScoreChoiceTests : IDisposable
{
    private const int Width = 6;
    private readonly string _dir = Directory.CreateTempSubdirectory("psae-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AnomalyModel Trained(ScoreMethod score, int seed = 7, int window = 1)
    {
        var model = new AnomalyModel(new ModelSpec { Epochs = 5, Seed = seed, HiddenSize = new[] { 12 }, LatentSize = 2, Scoring = score, WindowSize = window });
        model.Train(TestData.Names(Width), TestData.LowRank(400, Width, 2, 0.1, 7), 400);
        return model;
    }

    [Fact]
    public void The_pca_residual_is_the_mean_squared_distance_of_a_row_from_the_span_of_the_training_components()
    {
        using AnomalyModel model = Trained(ScoreMethod.PcaResidual);
        PcaResidualTerm term = Assert.IsType<PcaResidualTerm>(Assert.Single(model.ScoreTerms));
        Assert.InRange(term.Count, 1, Width - 1);
        for (int a = 0; a < term.Count; a++)
        {
            for (int b = 0; b < term.Count; b++)
            {
                double dot = Enumerable.Range(0, Width).Sum(j => (double)term.Components[(a * Width) + j] * term.Components[(b * Width) + j]);
                Assert.Equal(a == b ? 1 : 0, dot, 4);
            }
        }

        double[] probe = TestData.LowRank(20, Width, 3, 0.5, 3);
        ScoreResult result = model.Score(probe, 20);
        float[] scaled = new float[probe.Length];
        model.Scaler!.Transform(probe, scaled);
        for (int r = 0; r < 20; r++)
        {
            double[] c = Enumerable.Range(0, Width).Select(j => (double)scaled[(r * Width) + j] - term.Mean[j]).ToArray();
            double explained = Enumerable.Range(0, term.Count).Sum(k => Math.Pow(Enumerable.Range(0, Width).Sum(j => c[j] * term.Components[(k * Width) + j]), 2));
            double residual = (c.Sum(v => v * v) - explained) / Width;
            Assert.Equal(residual, result.Terms[0].Values[r], 5);
            Assert.Equal(Math.Sqrt(residual / term.Median), result.Scores[r], 5);
        }
    }

    [Fact]
    public void The_isolation_term_is_the_forest_score_of_a_seeded_forest_and_sets_outliers_apart()
    {
        // c(256) as scikit-learn's IsolationForest computes it: 2(ln 255 + γ) − 2·255/256.
        Assert.Equal((2 * (Math.Log(255) + 0.5772156649015329)) - (2.0 * 255 / 256), IsolationTerm.AveragePath(256), 12);
        Assert.Equal(1, IsolationTerm.AveragePath(2));
        Assert.Equal(0, IsolationTerm.AveragePath(1));

        using AnomalyModel model = Trained(ScoreMethod.Isolation);
        using AnomalyModel again = Trained(ScoreMethod.Isolation);
        IsolationTerm term = Assert.IsType<IsolationTerm>(Assert.Single(model.ScoreTerms));
        Assert.Equal(ModelDefaults.IsolationTrees, term.Trees);
        Assert.Equal(ModelDefaults.IsolationSample, term.SampleSize);

        double[] normal = TestData.LowRank(50, Width, 2, 0.1, 7);
        double[] outliers = (double[])normal.Clone();
        FeatureRanges ranges = model.Ranges!;
        for (int r = 0; r < 50; r++)
        {
            // Two inputs half a range above their training ranges: most splits on either set the row apart.
            for (int j = r % Width, k = 0; k < 2; j = (j + 1) % Width, k++)
            {
                outliers[(r * Width) + j] = ranges.Max[j] + ((ranges.Max[j] - ranges.Min[j]) / 2);
            }
        }

        ScoreResult n = model.Score(normal, 50), o = model.Score(outliers, 50);
        Assert.Equal(n.Scores, again.Score(normal, 50).Scores);
        Assert.All(n.Terms[0].Values.Concat(o.Terms[0].Values), v => Assert.InRange(v, 0, 1));
        Assert.Equal(n.Terms[0].Values.Select(v => v / term.Median), n.Scores);
        Assert.True(Enumerable.Range(0, 50).Count(r => o.Scores[r] > n.Scores[r]) >= 48);
        // scikit-learn's IsolationForest ranks rows built this way (rank-2 data, seeds 0-4) at 0.92-0.97.
        Assert.InRange(ScoreSelection.RocAuc(n.Scores, o.Scores), 0.9, 1);

        string path = Path.Combine(_dir, "isolation.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);
        using AnomalyModel loaded = ModelFile.Load(path);
        Assert.Equal(ScoreMethod.Isolation, loaded.Scoring);
        Assert.Equal(o.Scores, loaded.Score(outliers, 50).Scores);
    }

    [Theory]
    [InlineData(new float[] { 0, 0.5f, 5, -1, 1, -1, -1, 1, -1 })] // a right child past the table
    [InlineData(new float[] { 0, 0.5f, 0, -1, 1, -1, -1, 1, -1 })] // a right child that leads back: a walk that never ends
    [InlineData(new float[] { 3, 0.5f, 2, -1, 1, -1, -1, 1, -1 })] // a split of an input the samples do not have
    [InlineData(new float[] { -1, float.NaN, -1 })]                // a leaf without a depth
    public void An_isolation_forest_whose_trees_cannot_be_walked_is_refused_as_an_invalid_model_file(float[] nodes)
    {
        var ex = Assert.Throws<AnomalyDetectionException>(() => new IsolationTerm(nodes, new[] { 0 }, new float[] { 0, 0 }, 256, 1));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, ex.Kind);
        Assert.NotNull(new IsolationTerm(new float[] { 0, 0.5f, 2, -1, 1, -1, -1, 1, -1 }, new[] { 0 }, new float[] { 0, 0 }, 256, 1));
    }

    [Fact]
    public void Auto_judges_every_candidate_on_synthetic_anomalies_and_keeps_the_default_unless_another_wins_clearly()
    {
        using AnomalyModel model = Trained(ScoreMethod.Auto);
        using AnomalyModel again = Trained(ScoreMethod.Auto);
        ScoreChoice choice = model.ScoreChoice!;
        Assert.Equal(ScoreChoiceBasis.SyntheticAnomalies, choice.By);
        Assert.Equal(ScoreTerms.Candidates, choice.Candidates.Select(c => c.Scoring));
        Assert.Equal(new[] { "ReconstructionError", "NeighbourDistance", "PcaResidual", "Isolation" }, choice.Terms.Select(t => t.Name));
        Assert.All(choice.Candidates, c =>
        {
            Assert.Equal(SyntheticAnomalies.Kinds, c.KindRocAuc.Keys);
            Assert.All(c.KindRocAuc.Values, v => Assert.InRange(v, 0, 1));
            Assert.Equal(c.KindRocAuc.Values.Average(), c.SyntheticRocAuc!.Value, 12);
            Assert.Equal(c.HeldOutScores.Order(), c.HeldOutScores);
        });

        ScoreCandidate best = choice.Candidates.MaxBy(c => c.SyntheticRocAuc!.Value)!;
        ScoreMethod expected = best.SyntheticRocAuc > choice.Candidates[0].SyntheticRocAuc + ModelDefaults.ScoreChoiceMargin
            ? best.Scoring
            : ScoreMethod.ReconstructionAndDistance;
        Assert.Equal(expected, model.Scoring);
        Assert.Equal(ScoreTerms.For(expected), model.ScoreTerms.Select(t => t.Name));
        Assert.Equal(choice.Chosen.HeldOutScores, model.ValidationErrors);

        // The same seed makes the same choice from the same figures.
        Assert.Equal(choice.Candidates.Select(c => c.SyntheticRocAuc), again.ScoreChoice!.Candidates.Select(c => c.SyntheticRocAuc));
        double[] probe = TestData.LowRank(20, Width, 2, 0.5, 3);
        Assert.Equal(model.Score(probe, 20).Scores, again.Score(probe, 20).Scores);
    }

    [Fact]
    public void The_default_candidate_of_an_auto_model_scores_as_the_default_model_and_windows_keep_the_default()
    {
        using AnomalyModel auto = Trained(ScoreMethod.Auto);
        using AnomalyModel fixedDefault = Trained(ScoreMethod.ReconstructionAndDistance);
        double[] probe = TestData.LowRank(30, Width, 3, 0.5, 3);
        auto.SetScoreChoice(auto.ScoreChoice! with { Scoring = ScoreMethod.ReconstructionAndDistance });
        Assert.Equal(fixedDefault.Score(probe, 30).Scores, auto.Score(probe, 30).Scores);

        using AnomalyModel windowed = Trained(ScoreMethod.Auto, window: 4);
        Assert.Equal(ScoreChoiceBasis.Default, windowed.ScoreChoice!.By);
        Assert.Equal(ScoreMethod.ReconstructionAndDistance, windowed.Scoring);
    }

    [Fact]
    public void Labelled_rows_choose_the_candidate_that_ranks_them_best_and_the_model_then_scores_as_one_trained_with_it()
    {
        using AnomalyModel model = Trained(ScoreMethod.Auto);
        double[] normal = TestData.LowRank(60, Width, 2, 0.1, 11);
        double[] odd = TestData.LowRank(12, Width, 4, 0.6, 12);
        double[] rows = normal.Concat(odd).ToArray();
        bool[] labels = Enumerable.Range(0, 72).Select(i => i >= 60).ToArray();

        ScoreChoice choice = model.ChooseScore(rows, 72, labels);
        Assert.Equal(ScoreChoiceBasis.Labels, choice.By);
        Assert.Equal((72, 12), choice.LabelledRows);
        Assert.Equal(choice.Candidates.Max(c => c.LabelRocAuc), choice.Chosen.LabelRocAuc);
        Assert.Equal(Roc.AucStandardError(choice.Chosen.LabelRocAuc!.Value, 12, 60), choice.LabelRocAucError);
        foreach (ScoreCandidate c in choice.Candidates)
        {
            using AnomalyModel alone = Trained(c.Scoring);
            Assert.Equal(TestData.RocAuc(alone.Score(rows, 72).Scores, labels), c.LabelRocAuc!.Value, 6);
        }

        ScoreMethod before = model.Scoring;
        Assert.Equal(before, model.Scoring); // choosing changes nothing by itself
        ScoreChoice distance = choice with { Scoring = ScoreMethod.Distance };
        model.SetScoreChoice(distance);
        using AnomalyModel trainedWithDistance = Trained(ScoreMethod.Distance);
        Assert.Equal(trainedWithDistance.Score(rows, 72).Scores, model.Score(rows, 72).Scores);
        Assert.Equal(distance.Chosen.HeldOutScores, model.ValidationErrors);
        Assert.Equal("training validation split", model.Threshold!.Source);

        var error = Assert.Throws<AnomalyDetectionException>(() => model.ChooseScore(normal, 60, new bool[60]));
        Assert.Contains("both normal and anomalous", error.Message);
        using AnomalyModel fixedScore = Trained(ScoreMethod.ReconstructionAndDistance);
        error = Assert.Throws<AnomalyDetectionException>(() => fixedScore.ChooseScore(rows, 72, labels));
        Assert.Contains("-Scoring Auto", error.RecommendedAction);
    }

    [Fact]
    public void A_saved_auto_model_keeps_its_choice_and_every_candidate_and_scores_identically()
    {
        using AnomalyModel model = Trained(ScoreMethod.Auto);
        double[] rows = TestData.LowRank(60, Width, 2, 0.1, 11).Concat(TestData.LowRank(12, Width, 4, 0.6, 12)).ToArray();
        model.SetScoreChoice(model.ChooseScore(rows, 72, Enumerable.Range(0, 72).Select(i => i >= 60).ToArray()));
        string path = Path.Combine(_dir, "auto.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);
        Assert.Equal(4, BitConverter.ToInt32(File.ReadAllBytes(path), 8));

        using AnomalyModel loaded = ModelFile.Load(path);
        Assert.Equal(model.Scoring, loaded.Scoring);
        Assert.Equal(model.ScoreChoice!.Summary(), loaded.ScoreChoice!.Summary());
        Assert.Equal(model.ScoreChoice.Candidates.Select(c => c.HeldOutScores), loaded.ScoreChoice.Candidates.Select(c => c.HeldOutScores));
        Assert.Equal(model.Score(rows, 72).Scores, loaded.Score(rows, 72).Scores);
        Assert.Equal(model.Threshold!.Value, loaded.Threshold!.Value);
        ModelFileInfo info = ModelFileInfo.Read(path);
        Assert.Equal(model.Scoring, info.Scoring);
        Assert.Equal(ScoreChoiceBasis.Labels, info.ScoreChoice!.By);

        // The other candidates' terms came back too: the loaded model can choose again.
        ScoreChoice again = loaded.ChooseScore(rows, 72, Enumerable.Range(0, 72).Select(i => i >= 60).ToArray());
        Assert.Equal(model.ScoreChoice.Candidates.Select(c => c.LabelRocAuc), again.Candidates.Select(c => c.LabelRocAuc));
    }

    [Fact]
    public void A_candidate_that_fails_on_some_rows_is_still_judged_with_those_rows_at_the_ends_of_the_ranking()
    {
        // NaN and −∞ rank lowest (tied with each other), +∞ highest: 3 wins 3 pairs, NaN ties 1, +∞ wins 3; 6.5 of 9.
        double auc = ScoreSelection.RocAuc([1, 2, double.NaN], [3, double.NegativeInfinity, double.PositiveInfinity]);
        Assert.Equal(6.5 / 9, auc, 12);
    }

    [Fact]
    public void Synthetic_anomalies_are_seeded_and_lie_where_their_kind_says()
    {
        double[] data = TestData.LowRank(500, Width, 2, 0.1, 7);
        float[] scaled = data.Select(v => (float)v).ToArray();
        float[][] a = SyntheticAnomalies.Make(scaled, 500, Width, 50, new Random(1));
        float[][] b = SyntheticAnomalies.Make(scaled, 500, Width, 50, new Random(1));
        Assert.Equal(4, a.Length);
        Assert.All(Enumerable.Range(0, 4), k => Assert.Equal(a[k], b[k]));
        Assert.All(a, kind => Assert.Equal(50 * Width, kind.Length));

        // Dependency: every value of every column is one the training rows took in that column.
        for (int j = 0; j < Width; j++)
        {
            var column = Enumerable.Range(0, 500).Select(r => scaled[(r * Width) + j]).ToHashSet();
            Assert.All(Enumerable.Range(0, 50), i => Assert.Contains(a[3][(i * Width) + j], column));
        }

        // Global: within each column's range widened by 10 %.
        for (int j = 0; j < Width; j++)
        {
            float[] column = Enumerable.Range(0, 500).Select(r => scaled[(r * Width) + j]).ToArray();
            float low = column.Min(), high = column.Max(), slack = 0.05f * (high - low) + 1e-4f;
            Assert.All(Enumerable.Range(0, 50), i => Assert.InRange(a[2][(i * Width) + j], low - slack, high + slack));
        }
    }
}
