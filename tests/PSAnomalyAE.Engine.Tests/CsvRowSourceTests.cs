using System.Text;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>Reading a CSV file for scoring when it is cut short: before or while it is read.</summary>
public class CsvRowSourceTests
{
    private static string Write(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), "rows-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Reads every record: (row number, the error of a record the file ended in the middle of).</summary>
    private static List<(long Row, string? Incomplete)> ReadAll(string path)
    {
        using CsvRowSource source = CsvRowSource.Open(path);
        var rows = new List<(long, string?)>();
        while (source.MoveNext())
        {
            rows.Add((source.RowNumber, source.Incomplete?.Message));
        }

        return rows;
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n4,5,6")]
    [InlineData("a,b,c\n1,2,3\n4,5,6\n")]
    [InlineData("a,b,c\r\n1,2,3\r\n4,5,6")]
    [InlineData("a,b,c\r\n1,2,3\r\n4,5\r\n")]
    [InlineData("a,b,c\n1,2,3\n4,5\n\n")]
    [InlineData("a,b,c\r1,2,3\r4,5\r")]
    [InlineData("a,b,c\n\"x\ny\",2,3\n4,5,6")]
    public void A_whole_file_is_read_to_its_end_with_or_without_a_last_line_break(string text)
    {
        string path = Write(text);
        try
        {
            List<(long Row, string? Incomplete)> rows = ReadAll(path);
            Assert.Equal(new long[] { 1, 2 }, rows.Select(r => r.Row));
            Assert.All(rows, r => Assert.Null(r.Incomplete));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n4,5")]
    [InlineData("a,b,c\r\n1,2,3\r\n4,5")]
    [InlineData("a,b,c\r1,2,3\r4")]
    [InlineData("a,b,c\n1,2,3\n\"4,5")]
    public void A_last_line_with_no_line_break_and_too_few_fields_is_an_error_for_that_row(string text)
    {
        string path = Write(text);
        try
        {
            List<(long Row, string? Incomplete)> rows = ReadAll(path);
            Assert.Equal(2, rows.Count);
            Assert.Null(rows[0].Incomplete);
            Assert.StartsWith("Row 2: the file ended in the middle of this row", rows[1].Incomplete);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Lines(int rows)
    {
        var text = new StringBuilder("a,b,c\n");
        for (int i = 1; i <= rows; i++)
        {
            text.Append(i).Append(',').Append(i * 2).Append(',').Append(i * 3).Append('\n');
        }

        return text.ToString();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_file_cut_short_while_it_is_read_is_an_error_that_says_how_many_rows_were_read(bool midLine)
    {
        // 200,000 rows (about 3.5 MB): far more than the reader holds, so it reads past the cut after it.
        string text = Lines(200_000);
        string path = Write(text);
        try
        {
            using CsvRowSource source = CsvRowSource.Open(path);
            for (int i = 0; i < 10; i++)
            {
                Assert.True(source.MoveNext());
            }

            // Cut the file in the middle of row 100,000 (or at its start), as a writer truncating it would.
            int cut = text.IndexOf("\n100000,", StringComparison.Ordinal) + 1 + (midLine ? 4 : 0);
            using (var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                writer.SetLength(cut);
            }

            var incomplete = new List<long>();
            var ex = Assert.Throws<IOException>(() =>
            {
                while (source.MoveNext())
                {
                    if (source.Incomplete is { } problem)
                    {
                        Assert.Equal(source.RowNumber, problem.RowNumber);
                        incomplete.Add(source.RowNumber);
                    }
                }
            });

            Assert.Equal(midLine ? 100_000 : 99_999, source.RowNumber);
            Assert.Equal(midLine ? new long[] { 100_000 } : Array.Empty<long>(), incomplete);
            Assert.Contains("changed while it was being read", ex.Message);
            Assert.Contains(midLine ? "after 100,000 rows were read" : "after 99,999 rows were read", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_cut_behind_the_reader_is_an_error_at_its_end_not_a_quiet_end()
    {
        string text = Lines(200_000);
        string path = Write(text);
        try
        {
            using CsvRowSource source = CsvRowSource.Open(path);
            for (int i = 0; i < 50_000; i++)
            {
                Assert.True(source.MoveNext());
            }

            // Cut to the first rows, behind where the reader is: what it holds is read, then the file has ended early.
            using (var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                writer.SetLength(100);
            }

            var ex = Assert.Throws<IOException>(() =>
            {
                while (source.MoveNext())
                {
                }
            });

            Assert.InRange(source.RowNumber, 50_000, 199_999);
            Assert.Contains("changed while it was being read", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
