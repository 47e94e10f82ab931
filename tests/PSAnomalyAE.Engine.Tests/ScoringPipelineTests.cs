using System.Globalization;
using System.Text;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>A file scan that scores its batches on several cores: the same results, in the same order, as one core.</summary>
public class ScoringPipelineTests
{
    private sealed record Scan(List<long> Rows, List<double> Scores, List<double> Terms, List<string?> Cells, List<string> Errors);

    private static string WriteFile(int rows, int width, int seed)
    {
        double[] data = TestData.LowRank(rows, width, 2, 0.1, seed);
        var text = new StringBuilder("time,host," + string.Join(",", TestData.Names(width)) + "\n");
        for (int i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},h{i % 7}");
            for (int j = 0; j < width; j++)
            {
                // Every 97th row has a bad cell; a few are written in forms the general parser reads.
                string cell = i % 97 == 5 && j == 1 ? "n/a?" : (data[(i * width) + j] * 10).ToString(j == 2 ? "E3" : "0.####", CultureInfo.InvariantCulture);
                text.Append(',').Append(cell);
            }

            text.Append('\n');
        }

        string path = Path.Combine(Path.GetTempPath(), "scan-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Scans a file as Test-AEAnomaly -Path does: in turn (workers 0) or through a pipeline of that many workers.</summary>
    private static Scan ScanFile(AnomalyModel model, string path, int batchSize, int workers)
    {
        var scan = new Scan(new(), new(), new(), new(), new());
        using CsvRowSource source = CsvRowSource.Open(path);
        var scorer = new StreamingScorer(model, batchSize, MissingValuePolicy.Error);
        using var pipeline = workers > 0 ? new ScoringPipeline<CsvRecords>(workers) : null;

        void Emit(ScoreResult result, Func<int, int, string?> cell)
        {
            for (int i = 0; i < result.Rows; i++)
            {
                scan.Rows.Add(result.RowNumbers![i]);
                scan.Scores.Add(result.Scores[i]);
                scan.Terms.AddRange(result.Terms.Select(t => t.Values[i]));
                scan.Cells.Add(cell(i, 2));
            }
        }

        void Score(bool all)
        {
            if (pipeline is null)
            {
                if (scorer.Flush() is { } flushed)
                {
                    Emit(flushed, source.Cell);
                }

                source.ClearKept();
                return;
            }

            if (scorer.Take() is { } batch)
            {
                pipeline.Add(batch, source.TakeKept());
            }

            while (pipeline.TryNext(all, out ScoreResult? result, out CsvRecords? records))
            {
                Emit(result!, records!.Cell);
                source.Recycle(records);
            }
        }

        while (source.MoveNext())
        {
            if (scorer.Add(source.Current, source.RowNumber, out AnomalyDetectionException? problem) != RowStatus.Read)
            {
                scan.Errors.Add(problem!.Message);
                continue;
            }

            source.Keep();
            if (scorer.IsFull)
            {
                Score(all: false);
            }
        }

        Score(all: true);
        return scan;
    }

    [Theory]
    [InlineData(AutoencoderKind.Dense, 1)]
    [InlineData(AutoencoderKind.Convolutional, 4)]
    public void A_scan_on_several_workers_gives_the_scores_of_one_to_the_last_bit_in_file_order(AutoencoderKind kind, int window)
    {
        const int width = 6;
        using var model = new AnomalyModel(new ModelSpec { Kind = kind, WindowSize = window, LatentSize = 2, Epochs = 3, Seed = 3 });
        model.Train(TestData.Names(width), TestData.LowRank(800, width, 2, 0.1, 1).Select(v => v * 10).ToArray(), 800);
        Assert.Equal(window == 1 ? ScoreMethod.ReconstructionAndDistance : model.Scoring, model.Scoring);
        string path = WriteFile(3000, width, 2);
        try
        {
            Scan one = ScanFile(model, path, 256, 0);
            Assert.Equal(3000 - 31, one.Rows.Count);
            Assert.Equal(31, one.Errors.Count);
            Assert.Equal(one.Rows.OrderBy(r => r), one.Rows);
            foreach (int workers in new[] { 1, 2, 4 })
            {
                Scan many = ScanFile(model, path, 256, workers);
                Assert.Equal(one.Rows, many.Rows);
                Assert.Equal(one.Errors, many.Errors);
                Assert.Equal(one.Cells, many.Cells);
                Assert.Equal(one.Scores.Select(BitConverter.DoubleToInt64Bits), many.Scores.Select(BitConverter.DoubleToInt64Bits));
                Assert.Equal(one.Terms.Select(BitConverter.DoubleToInt64Bits), many.Terms.Select(BitConverter.DoubleToInt64Bits));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_batch_that_fails_throws_in_its_turn_and_the_pipeline_waits_for_the_others()
    {
        using var model = new AnomalyModel(new ModelSpec { LatentSize = 2, Epochs = 2, Seed = 1 });
        model.Train(TestData.Names(3), TestData.LowRank(300, 3, 2, 0.1, 1), 300);
        var scorer = new StreamingScorer(model, 16, MissingValuePolicy.Error);
        var pipeline = new ScoringPipeline<int>(2);
        for (int b = 0; b < 3; b++)
        {
            for (int i = 0; i < 16; i++)
            {
                scorer.Add(new TestData.Row(("f0", 1.0 * i), ("f1", 2.0), ("f2", 3.0)), (b * 16) + i + 1, out _);
            }

            ScoringBatch batch = scorer.Take()!;
            if (b == 1)
            {
                batch.Score(); // scored twice: the pipeline's attempt fails
            }

            pipeline.Add(batch, b);
        }

        Assert.True(pipeline.TryNext(false, out ScoreResult? first, out int tag));
        Assert.Equal(0, tag);
        Assert.Equal(16, first!.Rows);
        Assert.Throws<InvalidOperationException>(() => pipeline.TryNext(true, out _, out _));
        pipeline.Dispose();
        Assert.Equal(0, pipeline.Pending);
    }

    [Theory]
    [InlineData("")]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    public void Plain_decimals_read_on_the_fast_path_are_the_doubles_the_general_parser_gives(string culture)
    {
        NumberFormatInfo format = CultureInfo.GetCultureInfo(culture).NumberFormat;
        var rng = new Random(7);
        var texts = new List<string> { "0", "-0", "+0", "5.", ".5", "-.5", "007", "123456789012345", "1234567890123456", "0.1", "-0.3", "9007199254740993", "1..2", "-", "+", ".", "1-", "1e5", " 1", "1 " };
        for (int i = 0; i < 20000; i++)
        {
            double v = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 12));
            texts.Add(v.ToString("0." + new string('#', rng.Next(0, 16)), format));
            texts.Add(v.ToString("R", format));
        }

        foreach (string text in texts)
        {
            bool parsed = double.TryParse(text.Trim(), NumberStyles.Float, format, out double expected);
            ValueKind kind = ValueParser.ParseText(text, format, out double result);
            Assert.True(parsed == (kind == ValueKind.Number), text);
            if (parsed)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(result), $"'{text}': {expected:R} against {result:R}");
            }
        }
    }
}
