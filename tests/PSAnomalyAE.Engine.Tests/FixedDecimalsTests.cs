using System.Globalization;
using PSAnomalyAE.Engine.Scoring;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

public class FixedDecimalsTests
{
    // The formats the explanations and the Reason use, as (custom format, min decimals, max decimals).
    private static readonly (string Format, int Min, int Max)[] s_formats =
    {
        ("0", 0, 0), ("0.#", 0, 1), ("0.0#", 1, 2), ("0.###", 0, 3), ("0.00", 2, 2), ("0.0####", 1, 5),
    };

    [Fact]
    public void Every_number_reads_as_the_runtime_writes_its_custom_format()
    {
        var random = new Random(11);
        int fast = 0;
        Span<char> text = stackalloc char[64];
        foreach (double value in Numbers(random))
        {
            foreach ((string format, int min, int max) in s_formats)
            {
                string expected = value.ToString(format, CultureInfo.InvariantCulture);
                Assert.True(expected == FixedDecimals.Format(value, min, max), $"{value:R} as \"{format}\": expected {expected}, got {FixedDecimals.Format(value, min, max)}");
                if (FixedDecimals.TryWrite(value, min, max, text, out int written))
                {
                    fast++;
                    Assert.Equal(expected, new string(text[..written]));
                }
            }
        }

        // The integer path, not the runtime, writes nearly every number a row holds.
        Assert.True(fast > 0.7 * 60_000 * s_formats.Length, $"only {fast} numbers took the integer path");
    }

    [Fact]
    public void Bad_decimals_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedDecimals.Format(1.5, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedDecimals.Format(1.5, 0, FixedDecimals.MaxDecimals + 1));
    }

    private static IEnumerable<double> Numbers(Random random)
    {
        double[] edges =
        {
            0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, 0.05, 0.005, 0.0005, 1.005, 1.015, 2.675, 9.995, 99.95, 99.995, 0.9995,
            0.125, 0.375, -0.0004, -0.0005, -0.0006, 1e-3, 999_999.95, 1e11, 1e12, 1e15, -1e15, double.Epsilon,
            double.MaxValue, double.MinValue, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        };
        foreach (double e in edges)
        {
            yield return e;
        }

        for (int i = 0; i < 60_000; i++)
        {
            yield return (i % 5) switch
            {
                0 => random.NextDouble() * 1000,
                1 => (random.NextDouble() - 0.5) * 2e6,
                // Decimal midpoints, as close as a double gets, and their neighbours a few units away.
                2 => (random.Next(-100_000, 100_000) + 0.5) / Math.Pow(10, random.Next(0, 6)),
                3 => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(Math.Round(random.NextDouble() * 100, 2) + 0.005) + random.Next(-3, 4)),
                _ => random.NextDouble() * Math.Pow(10, random.Next(-4, 8)) * (random.Next(2) == 0 ? -1 : 1),
            };
        }
    }
}
