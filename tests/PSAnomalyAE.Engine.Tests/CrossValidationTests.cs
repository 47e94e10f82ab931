using PSAnomalyAE.Engine;
using PSAnomalyAE.Engine.Selection;
using Xunit;
using Xunit.Abstractions;

namespace PSAnomalyAE.Engine.Tests;

public class CrossValidationTests
{
    private readonly ITestOutputHelper _output;

    public CrossValidationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Folds_partition_the_rows_without_overlap()
    {
        int[] a = CrossValidation.AssignFolds(103, 5, seed: 9);
        Assert.Equal(a, CrossValidation.AssignFolds(103, 5, seed: 9));
        int[] sizes = Enumerable.Range(0, 5).Select(f => a.Count(x => x == f)).ToArray();
        Assert.Equal(103, sizes.Sum());
        Assert.True(sizes.Max() - sizes.Min() <= 1);
        Assert.NotEqual(a, CrossValidation.AssignFolds(103, 5, seed: 10));
    }

    [Fact]
    public void The_one_standard_error_rule_prefers_the_smaller_size()
    {
        var results = new[]
        {
            new CandidateResult(1, 5, 0.50, 0.05, 0.020, 1, null, false),
            new CandidateResult(2, 5, 0.30, 0.02, 0.010, 1, null, false),
            new CandidateResult(4, 5, 0.105, 0.02, 0.010, 1, null, false),
            new CandidateResult(8, 5, 0.100, 0.02, 0.001, 1, null, false),
            new CandidateResult(16, 5, 0.098, 0.02, 0.001, 1, null, false),
        };
        // Size 4 is within one standard error of the best (16); 2 is not, and its gap is far above 5 % of 0.402.
        Assert.Equal(4, CrossValidation.Recommend(results).Single(r => r.Recommended).LatentSize);

        // Gaps that are small next to the whole improvement count as the noise tail even with tiny standard errors.
        var tight = results.Select(r => r with { StandardError = 1e-6 }).ToArray();
        Assert.Equal(4, CrossValidation.Recommend(tight).Single(r => r.Recommended).LatentSize);
    }

    [Fact]
    public void Data_on_a_three_factor_manifold_gets_a_bottleneck_of_three_or_four()
    {
        const int rows = 1500, width = 20;
        double[] data = TestData.LowRank(rows, width, 3, 0.05, seed: 21);
        var spec = new ModelSpec { Seed = 3, Epochs = 150, Patience = 15, LearningRate = 3e-3, HiddenSize = new[] { 32 } };
        IReadOnlyList<CandidateResult> results = CrossValidation.Run(
            spec, FeatureEncoding.Numeric(TestData.Names(width)), data, rows, new[] { 1, 2, 3, 4, 6, 8 }, folds: 3);
        foreach (CandidateResult r in results)
        {
            _output.WriteLine($"{r.LatentSize}: {r.MeanError:G4} ± {r.StandardError:G3}{(r.Recommended ? "  <- recommended" : "")}");
        }

        int chosen = results.Single(r => r.Recommended).LatentSize;
        Assert.InRange(chosen, 3, 4);
    }

    [Fact]
    public void Folds_trained_in_parallel_give_the_results_of_one_at_a_time_in_order()
    {
        const int rows = 300, width = 6;
        double[] data = TestData.LowRank(rows, width, 2, 0.05, seed: 4);
        FeatureEncoding encoding = FeatureEncoding.Numeric(TestData.Names(width));
        int[] sizes = { 1, 2, 3 };
        (IReadOnlyList<CandidateResult> Results, List<(int, int)> Order) Run(int threads)
        {
            var order = new List<(int, int)>();
            var spec = new ModelSpec { Seed = 8, Epochs = 4, HiddenSize = new[] { 8 }, ThreadCount = threads };
            int caller = Environment.CurrentManagedThreadId;
            var results = CrossValidation.Run(spec, encoding, data, rows, sizes, folds: 3, onFold: f =>
            {
                Assert.Equal(caller, Environment.CurrentManagedThreadId);
                order.Add((f.LatentSize, f.Fold));
            });
            return (results, order);
        }

        var serial = Run(1);
        var parallel = Run(2);
        Assert.Equal(sizes.SelectMany(s => new[] { (s, 1), (s, 2), (s, 3) }), parallel.Order);
        Assert.Equal(serial.Order, parallel.Order);
        Assert.Equal(serial.Results.Select(r => (r.LatentSize, r.MeanError, r.StdDev, r.Recommended)), parallel.Results.Select(r => (r.LatentSize, r.MeanError, r.StdDev, r.Recommended)));
    }
}
