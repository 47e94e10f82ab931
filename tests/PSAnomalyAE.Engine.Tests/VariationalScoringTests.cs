using Xunit;

namespace PSAnomalyAE.Engine.Tests;

public class VariationalScoringTests
{
    [Fact]
    public void A_variational_model_averaging_samples_scores_a_row_the_same_every_time_in_any_batch_and_after_a_save()
    {
        using var model = new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Variational, Samples = 8, Epochs = 3, Seed = 4 });
        model.Train(TestData.Names(5), TestData.LowRank(200, 5, 2, 0.1, 1), 200);
        double[] probe = TestData.LowRank(30, 5, 2, 0.3, 9);

        double[] first = model.Score(probe, 30).Scores;
        Assert.Equal(first, model.Score(probe, 30).Scores);
        Assert.Equal(first[10], model.Score(probe.AsSpan(50, 5), 1).Scores[0], 6);

        using var file = new MemoryStream();
        ModelFile.Save(model, file);
        using AnomalyModel loaded = ModelFile.Load(file.ToArray(), "memory");
        Assert.Equal(first, loaded.Score(probe, 30).Scores);

        // The draws change the score: averaging samples is not the same as decoding the mean.
        using var mean = new AnomalyModel(new ModelSpec { Kind = AutoencoderKind.Variational, Samples = 1, Epochs = 3, Seed = 4 });
        mean.Train(TestData.Names(5), TestData.LowRank(200, 5, 2, 0.1, 1), 200);
        Assert.NotEqual(first, mean.Score(probe, 30).Scores);
    }
}
