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
            Assert.Equal(fromRows.Scaler!.Offset, fromPasses.Scaler!.Offset);
            Assert.Equal(fromRows.Scaler.Scale, fromPasses.Scaler.Scale);
            Assert.Equal(fromRows.FeatureMeans, fromPasses.FeatureMeans);
            Assert.Equal(fromRows.ValidationErrors, fromPasses.ValidationErrors);
            Assert.Equal(fromRows.Score(values, count).Scores, fromPasses.Score(values, count).Scores);
        }
        finally
        {
            File.Delete(path);
        }
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
