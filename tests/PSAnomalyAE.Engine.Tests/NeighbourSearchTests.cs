using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// The nearest-row search of the distance term: the k smallest values of each row, as a sort gives them, and the
/// same distances for a row whether it is scored alone, in a small batch or in a large one split among the cores.
/// </summary>
public sealed class NeighbourSearchTests
{
    [Fact]
    public void The_k_smallest_values_of_each_row_come_in_ascending_order_ties_in_column_order_and_NaN_last()
    {
        var rnd = new Random(3);
        const int rows = 40, columns = 37, k = 5;
        var matrix = new double[rows * columns];
        for (int i = 0; i < matrix.Length; i++)
        {
            matrix[i] = rnd.Next(12) switch
            {
                0 => double.NaN,
                1 => 0.5, // ties
                _ => rnd.NextDouble() * 10,
            };
        }

        Array.Fill(matrix, double.NaN, 0, columns - 2); // a row of NaN but for two values
        var values = new double[rows * k];
        var indexes = new int[rows * k];
        NeighbourTerm.Smallest(matrix, columns, k, values, indexes);
        for (int r = 0; r < rows; r++)
        {
            int[] expected = Enumerable.Range(0, columns)
                .OrderBy(c => double.IsNaN(matrix[(r * columns) + c]) ? 1 : 0)
                .ThenBy(c => double.IsNaN(matrix[(r * columns) + c]) ? 0 : matrix[(r * columns) + c])
                .ThenBy(c => c)
                .Take(k)
                .ToArray();
            Assert.Equal(expected, indexes.AsSpan(r * k, k).ToArray());
            Assert.Equal(expected.Select(c => matrix[(r * columns) + c]), values.AsSpan(r * k, k).ToArray());
        }
    }

    [Theory]
    [InlineData(1600, 8)] // the distance term's search: 1,600 reference rows, k + 3 candidates
    [InlineData(1601, 6)] // a row that is not whole vectors
    [InlineData(333, 21)]
    [InlineData(63, 8)] // too short to bound first: one pass
    public void Long_rows_give_what_a_sort_gives_whether_bounded_first_or_searched_in_one_pass(int columns, int k)
    {
        var rnd = new Random(columns + k);
        const int rows = 24;
        var matrix = new float[rows * columns];
        for (int i = 0; i < matrix.Length; i++)
        {
            matrix[i] = (float)((rnd.NextDouble() * 100) - 50);
        }

        Span<float> Row(int r) => matrix.AsSpan(r * columns, columns);
        Row(1).Fill(2.5f); // every value tied
        for (int c = 0; c < columns; c += 7)
        {
            Row(2)[c] = -60f; // ties among the smallest
        }

        Row(3).Fill(float.NaN); // NaN everywhere but k - 1 numbers: the bound has too few minima
        for (int c = 0; c < k - 1; c++)
        {
            Row(3)[(c * 37) % columns] = c;
        }

        for (int c = 0; c < columns; c += 3)
        {
            Row(4)[c] = float.NaN; // NaN among numbers
        }

        Row(5).Fill(float.NaN); // NaN everywhere
        Row(6)[columns - 1] = -100f; // the smallest in the last column, beyond the bound's whole groups
        Row(7)[0] = float.NegativeInfinity;
        Row(7)[columns / 2] = float.PositiveInfinity;
        Row(8).Fill(0f);
        Row(8)[columns / 3] = -0f; // signed zeros are equal
        for (int c = 0; c < columns; c++)
        {
            Row(9)[c] = columns - c; // falling: every value is the smallest so far
        }

        var values = new float[rows * k];
        var indexes = new int[rows * k];
        NeighbourTerm.Smallest<float>(matrix, columns, k, values, indexes);
        for (int r = 0; r < rows; r++)
        {
            float[] row = Row(r).ToArray();
            int[] expected = Enumerable.Range(0, columns)
                .OrderBy(c => float.IsNaN(row[c]) ? 1 : 0)
                .ThenBy(c => float.IsNaN(row[c]) ? 0 : row[c])
                .ThenBy(c => c)
                .Take(k)
                .ToArray();
            Assert.Equal(expected, indexes.AsSpan(r * k, k).ToArray());
            Assert.Equal(expected.Select(c => row[c]), values.AsSpan(r * k, k).ToArray());
        }
    }

    [Fact]
    public void A_row_gets_the_same_score_alone_and_in_a_large_batch_scored_on_every_core()
    {
        using var model = new AnomalyModel(new ModelSpec { Epochs = 2, Seed = 5, HiddenSize = new[] { 8 }, LatentSize = 2 });
        model.Train(TestData.Names(6), TestData.LowRank(600, 6, 2, 0.1, 7), 600);
        const int rows = 3000;
        double[] probe = TestData.LowRank(rows, 6, 2, 0.3, 4);
        ScoreResult all = model.Score(probe, rows);
        foreach (int row in new[] { 0, 63, 64, 1500, rows - 1 })
        {
            ScoreResult alone = model.Score(probe.AsSpan(row * 6, 6), 1);
            // The distance is the same to the last bit; the reconstruction to float precision, since on some
            // processors libtorch's matrix kernels round a row differently by its place in the batch.
            Assert.Equal(all.Terms[1].Values[row], alone.Terms[1].Values[0]);
            Assert.True(Math.Abs(all.Scores[row] - alone.Scores[0]) <= 1e-6 * Math.Abs(alone.Scores[0]), $"row {row}: {all.Scores[row]:R} in the batch, {alone.Scores[0]:R} alone");
        }
    }

    [Fact]
    public void A_rows_distance_is_the_exact_mean_of_its_k_nearest_however_the_search_ranks_them()
    {
        // Reference rows far from the origin (large squared norms, where a single-precision product loses the most
        // digits), with exact duplicates; the rows measured lie among them, some on a reference row.
        var rnd = new Random(11);
        const int width = 7, count = 900, rows = 300, k = 5;
        var reference = new float[count * width];
        for (int i = 0; i < reference.Length; i++)
        {
            reference[i] = (float)(40 + rnd.NextDouble());
        }

        Array.Copy(reference, 0, reference, 10 * width, 5 * width); // rows 10-14 repeat rows 0-4
        var samples = new float[rows * width];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(40 + rnd.NextDouble());
        }

        Array.Copy(reference, 3 * width, samples, 0, width); // a row on a reference row (and its duplicate)
        var term = new NeighbourTerm(reference, width, k, 1.0);
        double[] distances = term.Distances(samples, rows);
        for (int r = 0; r < rows; r++)
        {
            double expected = Enumerable.Range(0, count)
                .Select(c => Enumerable.Range(0, width).Sum(j => Math.Pow((double)samples[(r * width) + j] - reference[(c * width) + j], 2)))
                .Order()
                .Take(k)
                .Sum(Math.Sqrt) / k;
            Assert.True(Math.Abs(expected - distances[r]) <= 1e-12 * expected, $"row {r}: {distances[r]:R}, exactly {expected:R}");
        }
    }
}
