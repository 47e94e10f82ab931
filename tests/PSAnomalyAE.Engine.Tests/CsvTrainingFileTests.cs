using System.Globalization;
using PSAnomalyAE.Engine.Data;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// Reading a training file in one pass (<see cref="CsvTrainingFile.Read"/>) gives what surveying it and then encoding
/// it gives: the encoding, every row's values, the row errors in order and the warnings, also when a record past the
/// first ones changes the encoding the first ones foresaw.
/// </summary>
public class CsvTrainingFileTests
{
    [Theory]
    [InlineData(false, MissingValuePolicy.Impute)] // the first records foresee the encoding: one pass
    [InlineData(true, MissingValuePolicy.Skip)]    // a late new category changes it: the file is read again
    public void One_pass_reads_what_two_passes_read(bool lateCategory, MissingValuePolicy policy)
    {
        string path = Path.Combine(Path.GetTempPath(), $"psae-onepass-{Guid.NewGuid():N}.csv");
        try
        {
            WriteRows(path, 2600, lateCategory);
            var twoErrors = new List<string>();
            var two = new CsvTrainingFile(path) { RowError = e => twoErrors.Add(e.Message) };
            var twoWarnings = new List<string>();
            FeatureEncoding planned = two.Plan(null, null, new[] { "zone" }, warn: twoWarnings.Add);
            var encoder = new RowEncoder(planned, policy, means: null);
            double[] expected = Values(two.Encode(planned, encoder));

            var oneErrors = new List<string>();
            var one = new CsvTrainingFile(path) { RowError = e => oneErrors.Add(e.Message) };
            var oneWarnings = new List<string>();
            FeatureEncoding? chosen = null;
            (FeatureEncoding encoding, ITrainingRows rows, RowEncoder oneEncoder) = one.Read(null, null, new[] { "zone" }, policy, warn: oneWarnings.Add, chosen: e => chosen = e);

            Assert.Same(encoding, chosen);
            Assert.Equal(planned.Names, encoding.Names);
            Assert.Equal(lateCategory ? 3 : 2, encoding.Categories[encoding.Columns.Length - 1]!.Length);
            Assert.Equal(expected, Values(rows));
            Assert.Equal(twoErrors, oneErrors);
            Assert.Single(oneErrors);
            Assert.Equal(twoWarnings, oneWarnings);
            Assert.Equal(encoder.Summary("x"), oneEncoder.Summary("x"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_too_large_to_hold_trains_the_model_of_the_rows_held()
    {
        string path = Path.Combine(Path.GetTempPath(), $"psae-again-{Guid.NewGuid():N}.csv");
        try
        {
            WriteRows(path, 600, lateCategory: false);
            var errors = new List<string>();
            var held = new CsvTrainingFile(path) { RowError = e => errors.Add(e.Message) };
            (FeatureEncoding encoding, ITrainingRows rows, RowEncoder encoder) = held.Read(null, null, new[] { "zone" }, MissingValuePolicy.Impute);
            var again = new CsvTrainingFile(path) { MostBytesHeld = 0, RowError = e => errors.Add(e.Message) };
            (_, ITrainingRows fromFile, RowEncoder againEncoder) = again.Read(null, null, new[] { "zone" }, MissingValuePolicy.Impute);

            Assert.IsType<TrainingRows>(rows);
            Assert.IsNotType<TrainingRows>(fromFile);
            Assert.Equal(rows.Count, fromFile.Count);
            Assert.Equal(encoder.Summary("x"), againEncoder.Summary("x"));
            Assert.Equal(2, errors.Count);
            Assert.Equal(errors[0], errors[1]);
            double[] values = Values(rows);
            Assert.Equal(values, Values(fromFile));
            int count = rows.Count;

            var spec = new ModelSpec { LatentSize = 2, Epochs = 2, Seed = 4, Patience = 0, BatchSize = 64 };
            using var fromRows = new AnomalyModel(spec.Clone());
            fromRows.Train(encoding, rows);
            using var fromPasses = new AnomalyModel(spec.Clone());
            fromPasses.Train(encoding, fromFile);
            AssertSameModel(fromRows, fromPasses, values, count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Rows_written_to_a_file_while_training_reads_it_again_stop_training_with_the_file_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"psae-grown-{Guid.NewGuid():N}.csv");
        try
        {
            // Large enough that the reader has not buffered the end of the file when the first row is visited.
            WriteRows(path, 40_000, lateCategory: false);
            var file = new CsvTrainingFile(path) { MostBytesHeld = 0 };
            (_, ITrainingRows rows, _) = file.Read(null, null, new[] { "zone" }, MissingValuePolicy.Impute);
            var values = new double[rows.Count * rows.Width];

            IOException ex = Assert.Throws<IOException>(() => rows.ForEachRow((i, row) =>
            {
                if (i == 0)
                {
                    File.AppendAllLines(path, Enumerable.Repeat("1,2,eu", 100));
                }

                row.CopyTo(values.AsSpan(i * rows.Width));
            }));
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Contains("changed while it was being read", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(1, null)] // samples of one row, made straight from the rows
    [InlineData(3, null)] // windows: every row scaled first
    [InlineData(1, 2)]    // PCA
    public void Rows_held_in_blocks_train_the_model_of_one_array(int window, int? pca)
    {
        const int count = 20_000; // more than one block of rows
        double[] data = TestData.LowRank(count, 4, 2, 0.1, 9);
        var blocks = new TrainingRows(4);
        for (int i = 0; i < count; i++)
        {
            data.AsSpan(i * 4, 4).CopyTo(blocks.Append());
        }

        var spec = new ModelSpec { LatentSize = 1, HiddenSize = new[] { 4 }, Epochs = 1, Seed = 11, Patience = 0, BatchSize = 512, WindowSize = window, PcaComponents = pca, Scaling = ScalingMethod.ZScore };
        FeatureEncoding encoding = FeatureEncoding.Numeric(TestData.Names(4));
        using var fromArray = new AnomalyModel(spec.Clone());
        fromArray.Train(encoding, (double[])data.Clone(), count);
        using var fromBlocks = new AnomalyModel(spec.Clone());
        fromBlocks.Train(encoding, blocks);

        AssertSameModel(fromArray, fromBlocks, data[..(3000 * 4)], 3000);
    }

    /// <summary>The two models have the same scaler, column means and held-out errors, and score <paramref name="probe"/> alike, to the last bit.</summary>
    private static void AssertSameModel(AnomalyModel expected, AnomalyModel actual, double[] probe, int rows)
    {
        Assert.Equal(expected.Scaler!.Offset, actual.Scaler!.Offset);
        Assert.Equal(expected.Scaler.Scale, actual.Scaler.Scale);
        Assert.Equal(expected.FeatureMeans, actual.FeatureMeans);
        Assert.Equal(expected.ValidationErrors, actual.ValidationErrors);
        Assert.Equal(expected.Score(probe, rows).Scores, actual.Score(probe, rows).Scores);
    }

    private static double[] Values(ITrainingRows rows)
    {
        var values = new double[rows.Count * rows.Width];
        rows.ForEachRow((i, row) => row.CopyTo(values.AsSpan(i * rows.Width)));
        return values;
    }

    /// <summary>Rows of two numeric columns and a zone; 100 rows before the end one has a bad value, 90 before an empty one, 50 before (with <paramref name="lateCategory"/>) a new zone.</summary>
    private static void WriteRows(string path, int count, bool lateCategory)
    {
        var rnd = new Random(3);
        using var writer = new StreamWriter(path);
        writer.WriteLine("a,b,zone");
        for (int i = 1; i <= count; i++)
        {
            string a = i == count - 100 ? "oops" : (rnd.NextDouble() * 10).ToString("0.#####", CultureInfo.InvariantCulture);
            string b = i == count - 90 ? string.Empty : (rnd.NextDouble() - 0.5).ToString("R", CultureInfo.InvariantCulture);
            string zone = lateCategory && i == count - 50 ? "ap" : (i % 2 == 0 ? "eu" : "us");
            writer.WriteLine($"{a},{b},{zone}");
        }
    }
}
