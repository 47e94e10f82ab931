using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// Model files written by earlier versions (Fixtures/golden, formats 1 and 2, see make-golden.ps1 there) load and
/// score their rows exactly as they did when they were written; saving a format-1 file again writes the same format,
/// and a format-2 file is written again in the current format with the same score terms.
/// </summary>
public class ModelFileCompatibilityTests
{
    private static readonly string s_folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "golden");

    public static TheoryData<string> Format1 => new() { "dense-categorical", "variational-pca", "convolutional-window" };

    public static TheoryData<string> Format2 => new() { "dense-distance", "pca-window-distance" };

    public static TheoryData<string> Models => new() { "dense-categorical", "variational-pca", "convolutional-window", "dense-distance", "pca-window-distance" };

    private static List<TestData.Row> Rows()
    {
        string[] lines = File.ReadAllLines(Path.Combine(s_folder, "rows.csv"));
        string[] header = lines[0].Split(',');
        return lines.Skip(1).Select(l => new TestData.Row(l.Split(',').Select((v, i) => (header[i], (object?)v)).ToArray())).ToList();
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_golden_model_file_scores_its_rows_as_when_it_was_written(string name)
    {
        using AnomalyModel model = ModelFile.Load(Path.Combine(s_folder, name + ".aemodel"));
        double[] expected = File.ReadAllLines(Path.Combine(s_folder, name + ".errors.csv")).Skip(1)
            .Select(l => l.Length == 0 ? double.NaN : double.Parse(l, CultureInfo.InvariantCulture)).ToArray();

        double[] actual = ScoreRows(model);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(double.IsNaN(expected[i]), double.IsNaN(actual[i]));
            if (!double.IsNaN(expected[i]))
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(1, expected[i]), $"{name} row {i + 1}: {actual[i]} vs {expected[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Format2))]
    public void A_format_2_model_keeps_its_score_terms_and_is_written_again_in_format_3(string name)
    {
        using AnomalyModel model = ModelFile.Load(Path.Combine(s_folder, name + ".aemodel"));
        Assert.Equal(ScoreMethod.ReconstructionAndDistance, model.Scoring);
        Assert.Equal(new[] { ReconstructionTerm.TermName, NeighbourTerm.TermName }, model.ScoreTerms.Select(t => t.Name));

        using var copy = new MemoryStream();
        ModelFile.Save(model, copy);
        Assert.Equal(3, BitConverter.ToInt32(copy.ToArray(), 8)); // the format of a fixed score with more than one term
        using AnomalyModel again = ModelFile.Load(copy.ToArray(), name);
        Assert.Equal(ScoreRows(model), ScoreRows(again));
        Assert.Equal(model.Term<NeighbourTerm>()!.Reference, again.Term<NeighbourTerm>()!.Reference);
        Assert.Equal(model.ParameterCount, again.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Format1))]
    public void A_golden_model_saved_again_has_the_same_header_and_weights(string name)
    {
        byte[] original = File.ReadAllBytes(Path.Combine(s_folder, name + ".aemodel"));
        using AnomalyModel model = ModelFile.Load(original, name);
        using var copy = new MemoryStream();
        ModelFile.Save(model, copy);
        byte[] saved = copy.ToArray();

        (JsonNode header, byte[] weights) Parts(byte[] file)
        {
            int length = BitConverter.ToInt32(file, 12);
            JsonNode json = JsonNode.Parse(file.AsSpan(16, length))!;
            foreach (string version in new[] { "CreatedBy", "TorchSharp" })
            {
                json.AsObject().Remove(version);
            }

            json["Architecture"]!.AsObject().Remove("KindValue"); // a derived value that format 1 files carry; not read
            return (json, file[(16 + length)..^32]);
        }

        var (a, wa) = Parts(original);
        var (b, wb) = Parts(saved);
        Assert.True(JsonNode.DeepEquals(a, b), $"{name}:\n{a.ToJsonString()}\n{b.ToJsonString()}");
        Assert.Equal(wa, wb);
    }

    private static double[] ScoreRows(AnomalyModel model)
    {
        List<TestData.Row> rows = Rows();
        var scorer = new StreamingScorer(model, rows.Count, MissingValuePolicy.Error);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(RowStatus.Read, scorer.Add(rows[i], i + 1, out _));
        }

        return scorer.Flush()!.Scores;
    }
}
