using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// The score as a list of terms; the default: the reconstruction error combined with the distance to the nearest
/// training rows.
/// </summary>
public sealed class ScoreTermTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psae-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AnomalyModel Trained(ScoreMethod score, int rows = 300, int seed = 7, double validation = ModelDefaults.ValidationFraction)
    {
        var model = new AnomalyModel(new ModelSpec { Epochs = 5, Seed = seed, HiddenSize = new[] { 12 }, LatentSize = 2, Scoring = score, ValidationFraction = validation });
        model.Train(TestData.Names(6), TestData.LowRank(rows, 6, 2, 0.1, 7), rows);
        return model;
    }

    [Fact]
    public void The_score_is_the_root_of_the_relative_error_plus_the_relative_distance_to_the_five_nearest_sampled_rows()
    {
        using AnomalyModel both = Trained(ScoreMethod.ReconstructionAndDistance);
        using AnomalyModel reconstruction = Trained(ScoreMethod.Reconstruction);
        NeighbourTerm term = both.Term<NeighbourTerm>()!;
        double errorMedian = both.Term<ReconstructionTerm>()!.Median!.Value;
        Assert.Null(reconstruction.Term<NeighbourTerm>());
        Assert.Same(ReconstructionTerm.Plain, Assert.Single(reconstruction.ScoreTerms));
        Assert.Equal(ModelDefaults.NeighbourCount, term.K);

        double[] probe = TestData.LowRank(30, 6, 2, 0.5, 3);
        double[] mse = reconstruction.Score(probe, 30).Scores;
        ScoreResult result = both.Score(probe, 30);
        double[] scores = result.Scores;
        Assert.Equal(new[] { "ReconstructionError", "NeighbourDistance" }, result.Terms.Select(t => t.Name));
        float[] scaled = new float[probe.Length];
        both.Scaler!.Transform(probe, scaled);
        for (int r = 0; r < 30; r++)
        {
            // Brute force: every distance to the reference sample, the five smallest averaged.
            double distance = Enumerable.Range(0, term.Count)
                .Select(i => Math.Sqrt(Enumerable.Range(0, 6).Sum(j => Math.Pow(scaled[(r * 6) + j] - term.Reference[(i * 6) + j], 2))))
                .Order().Take(5).Average();
            double expected = Math.Sqrt(mse[r] / errorMedian) + (distance / term.Median);
            Assert.Equal(expected, scores[r], 4);
            Assert.Equal(mse[r], result.ReconstructionErrors[r], 12);
            Assert.Equal(distance, result.Terms[1].Values[r], 4);
        }

        // Normal held-out rows score about 2: each term is 1 at its median.
        double median = both.ValidationErrors[both.ValidationErrors.Length / 2];
        Assert.InRange(median, 1.5, 2.5);
    }

    [Fact]
    public void The_model_keeps_a_bounded_seeded_sample_of_its_training_rows()
    {
        using AnomalyModel big = Trained(ScoreMethod.ReconstructionAndDistance, rows: 3000);
        using AnomalyModel again = Trained(ScoreMethod.ReconstructionAndDistance, rows: 3000);
        using AnomalyModel other = Trained(ScoreMethod.ReconstructionAndDistance, rows: 3000, seed: 8);
        NeighbourTerm term = big.Term<NeighbourTerm>()!;
        Assert.Equal(ModelDefaults.NeighbourSample, term.Count);
        Assert.Equal(term.Reference, again.Term<NeighbourTerm>()!.Reference);
        Assert.NotEqual(term.Reference, other.Term<NeighbourTerm>()!.Reference);

        // Every kept row is one of the scaled training rows.
        double[] data = TestData.LowRank(3000, 6, 2, 0.1, 7);
        float[] scaled = new float[data.Length];
        big.Scaler!.Transform(data, scaled);
        var rows = Enumerable.Range(0, 3000).Select(r => string.Join(",", scaled.Skip(r * 6).Take(6))).ToHashSet();
        Assert.All(Enumerable.Range(0, term.Count), i => Assert.Contains(string.Join(",", term.Reference.Skip(i * 6).Take(6)), rows));

        double[] probe = TestData.LowRank(20, 6, 2, 0.5, 3);
        Assert.Equal(big.Score(probe, 20).Scores, again.Score(probe, 20).Scores);
    }

    [Fact]
    public void Scores_are_finite_and_grow_with_the_distance_from_the_training_rows()
    {
        using AnomalyModel model = Trained(ScoreMethod.ReconstructionAndDistance);
        double[] row = TestData.LowRank(1, 6, 2, 0.0, 7);
        double[] far = new double[6 * 4];
        for (int step = 0; step < 4; step++)
        {
            for (int j = 0; j < 6; j++)
            {
                far[(step * 6) + j] = row[j] + (Math.Pow(10, step) * (j % 2 == 0 ? 5 : -5));
            }
        }

        double[] scores = model.Score(far, 4).Scores;
        Assert.All(scores, s => Assert.True(double.IsFinite(s)));
        Assert.True(scores[0] < scores[1] && scores[1] < scores[2] && scores[2] < scores[3], string.Join(", ", scores));
    }

    [Fact]
    public void A_saved_model_keeps_its_terms_and_scores_identically_and_old_readers_refuse_the_file()
    {
        using AnomalyModel model = Trained(ScoreMethod.ReconstructionAndDistance);
        string path = Path.Combine(_dir, "m.aemodel");
        ModelFile.SaveAtomic(model, path, overwrite: false);
        Assert.Equal(3, BitConverter.ToInt32(File.ReadAllBytes(path), 8));

        using AnomalyModel loaded = ModelFile.Load(path);
        Assert.Equal(model.Term<NeighbourTerm>()!.Reference, loaded.Term<NeighbourTerm>()!.Reference);
        Assert.Equal(model.Term<NeighbourTerm>()!.Median, loaded.Term<NeighbourTerm>()!.Median);
        Assert.Equal(model.Term<ReconstructionTerm>()!.Median, loaded.Term<ReconstructionTerm>()!.Median);
        Assert.Equal(ScoreMethod.ReconstructionAndDistance, loaded.Spec.Scoring);
        double[] probe = TestData.LowRank(40, 6, 2, 0.3, 1);
        Assert.Equal(model.Score(probe, 40).Scores, loaded.Score(probe, 40).Scores);
        Assert.Equal(model.ParameterCount, ModelFileInfo.Read(path).ParameterCount);

        // A model scored by its reconstruction alone is written in format 1, as before.
        using AnomalyModel plain = Trained(ScoreMethod.Reconstruction);
        string plainPath = Path.Combine(_dir, "plain.aemodel");
        ModelFile.SaveAtomic(plain, plainPath, overwrite: false);
        Assert.Equal(1, BitConverter.ToInt32(File.ReadAllBytes(plainPath), 8));
        using AnomalyModel plainLoaded = ModelFile.Load(plainPath);
        Assert.True(ScoreTerms.IsPlain(plainLoaded.ScoreTerms));
    }

    [Fact]
    public void Without_held_out_rows_the_score_is_the_reconstruction_error()
    {
        using AnomalyModel model = Trained(ScoreMethod.ReconstructionAndDistance, validation: 0);
        Assert.True(ScoreTerms.IsPlain(model.ScoreTerms));
        Assert.Equal(ScoreMethod.Reconstruction, model.Scoring);
    }

    [Fact]
    public void Rows_without_windows_are_measured_against_every_normal_row_given_and_each_held_out_row_against_all_but_itself()
    {
        // 40 training and 10 held-out samples: all 50 are kept, and a held-out sample duplicated among the training
        // ones still finds its copy (distance 0), but not itself.
        const int width = 3;
        var random = new Random(5);
        float[] train = Enumerable.Range(0, 40 * width).Select(_ => (float)random.NextDouble()).ToArray();
        float[] held = Enumerable.Range(0, 10 * width).Select(_ => (float)random.NextDouble()).ToArray();
        Array.Copy(train, 7 * width, held, 4 * width, width);
        var heldOut = new TermBatch(held, 10, 1, width, null, new double[10], new float[10 * width]);
        var fitted = (NeighbourTerm)NeighbourTerm.Fit(new TermTraining(train, heldOut, new Random(1)))!;

        Assert.Equal(50, fitted.Count);
        float[] all = train.Concat(held).ToArray();
        double Distance(int i, int j) => Math.Sqrt(Enumerable.Range(0, width).Sum(c => Math.Pow((double)all[(i * width) + c] - all[(j * width) + c], 2)));
        double[] expected = Enumerable.Range(40, 10)
            .Select(i => Enumerable.Range(0, 50).Where(j => j != i).Select(j => Distance(i, j)).Order().Take(ModelDefaults.NeighbourCount).Average())
            .ToArray();
        double[] measured = ScoreTerms.Measure(new IScoreTerm[] { fitted }, heldOut)[0];
        Assert.Equal(expected, measured, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(TermTraining.Median(expected), fitted.Median, 9);

        // A new row is measured against all 50: a copy of a held-out row finds that row, at distance 0.
        double copy = Enumerable.Range(0, 50).Select(j => Distance(40, j)).Order().Take(ModelDefaults.NeighbourCount).Average();
        Assert.Equal(copy, fitted.Distances(held[..width], 1)[0], 9);
        Assert.True(copy < measured[0]);

        // A windowed model's held-out windows overlap one another: its reference is drawn from the training windows alone.
        var windows = new TermBatch(held, 5, 2, width, null, new double[5], new float[5 * width]);
        var windowed = (NeighbourTerm)NeighbourTerm.Fit(new TermTraining(train, windows, new Random(1)))!;
        Assert.Equal(20, windowed.Count);
    }

    [Fact]
    public void Each_term_names_the_features_that_drove_its_value()
    {
        using AnomalyModel model = Trained(ScoreMethod.ReconstructionAndDistance);
        double[] probe = TestData.LowRank(4, 6, 2, 0.1, 7);
        probe[(2 * 6) + 4] += 40; // row 2 is far off in feature 4 alone
        float[] scaled = new float[probe.Length];
        model.Scaler!.Transform(probe, scaled);
        var batch = new TermBatch(scaled, 4, 1, 6, null, new double[4], new float[4 * 6]);

        float[] weights = model.Term<NeighbourTerm>()!.FeatureWeights(batch, new[] { 2 });
        Assert.Equal(6, weights.Length);
        Assert.Equal(4, Array.IndexOf(weights, weights.Max()));
        Assert.True(weights[4] > 10 * weights.Where((_, j) => j != 4).Max(), string.Join(", ", weights));

        ScoreResult result = model.Score(probe, 4);
        Assert.Equal(4, Array.IndexOf(result.ColumnErrors(2), result.ColumnErrors(2).Max()));
    }

    [Fact]
    public void A_file_whose_score_has_a_term_this_version_does_not_know_is_refused_as_newer_and_a_stray_array_as_damaged()
    {
        using AnomalyModel model = Trained(ScoreMethod.ReconstructionAndDistance);
        using var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        byte[] file = stream.ToArray();

        byte[] unknown = WithHeader(file, h => h.Replace("\"NeighbourDistance\"", "\"LatentDistance\"").Replace("score.NeighbourDistance.", "score.LatentDistance."));
        var newer = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(unknown, "m"));
        Assert.Equal(AnomalyErrorKind.NewerModelFile, newer.Kind);
        Assert.Contains("LatentDistance", newer.Message);

        byte[] stray = WithHeader(file, h => h.Replace("\"score.NeighbourDistance.reference\"]", "\"score.ReconstructionError.reference\"]"));
        var damaged = Assert.Throws<AnomalyDetectionException>(() => ModelFile.Load(stray, "m"));
        Assert.Equal(AnomalyErrorKind.InvalidModelFile, damaged.Kind);
    }

    /// <summary>A model file with its JSON header rewritten by <paramref name="edit"/> and its checksum made good again.</summary>
    private static byte[] WithHeader(byte[] file, Func<string, string> edit)
    {
        int length = BitConverter.ToInt32(file, 12);
        string header = System.Text.Encoding.UTF8.GetString(file, 16, length);
        string edited = edit(header);
        Assert.NotEqual(header, edited);
        byte[] json = System.Text.Encoding.UTF8.GetBytes(edited);
        byte[] body = file[..12].Concat(BitConverter.GetBytes(json.Length)).Concat(json).Concat(file[(16 + length)..^32]).ToArray();
        return body.Concat(System.Security.Cryptography.SHA256.HashData(body)).ToArray();
    }
}
