using PSAnomalyAE.Engine;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

public class ParsingAndScalingTests
{
    [Theory]
    [InlineData("12.5", ValueKind.Number, 12.5)]
    [InlineData(" -3e2 ", ValueKind.Number, -300)]
    [InlineData("1,5", ValueKind.NotANumber, 0)]
    [InlineData("abc", ValueKind.NotANumber, 0)]
    [InlineData("", ValueKind.Missing, 0)]
    [InlineData("NA", ValueKind.Missing, 0)]
    [InlineData("NaN", ValueKind.Missing, 0)]
    [InlineData("Infinity", ValueKind.NotFinite, 0)]
    public void Strings_parse_with_the_invariant_culture(string text, ValueKind kind, double expected)
    {
        Assert.Equal(kind, ValueParser.Parse(text, out double value));
        if (kind == ValueKind.Number)
        {
            Assert.Equal(expected, value, 12);
        }
    }

    [Theory]
    [InlineData("1\0")]
    [InlineData("1\0\0")]
    [InlineData("\u00001")]
    [InlineData("1\u0007")]
    [InlineData("12\u00855")]
    [InlineData("NA\0")]
    public void A_control_character_inside_a_cell_makes_it_not_a_number(string text)
    {
        // .NET reads "1\0" as 1; a NUL in a cell is a damaged or binary file, not the value 1.
        Assert.Equal(ValueKind.NotANumber, ValueParser.Parse(text, out _));
        Assert.Equal(ValueKind.NotANumber, ValueParser.ParseText(text.AsSpan(), out _));
    }

    [Fact]
    public void Whitespace_around_a_number_is_still_trimmed_and_a_nul_is_shown_escaped_in_the_error()
    {
        Assert.Equal(ValueKind.Number, ValueParser.ParseText("\t 1.5\r\n".AsSpan(), out double value));
        Assert.Equal(1.5, value);
        Assert.Equal("'1\\u0000'", ValueParser.Describe("1\0"));
        AnomalyDetectionException? error = FeatureSchema.ReadNumber("1\0".AsSpan(), "cpu", 12, MissingValuePolicy.Error, out _);
        Assert.Equal(AnomalyErrorKind.InvalidRow, error!.Kind);
        Assert.Equal(12, error.RowNumber);
        Assert.Equal("cpu", error.Column);
        Assert.Contains("Row 12: column 'cpu' is '1\\u0000', which is not a number", error.Message);
    }

    [Fact]
    public void Numbers_of_every_type_are_read()
    {
        Assert.Equal(ValueKind.Number, ValueParser.Parse(7, out double a));
        Assert.Equal(ValueKind.Number, ValueParser.Parse(2.5m, out double b));
        Assert.Equal(ValueKind.Number, ValueParser.Parse(1.5f, out double c));
        Assert.Equal(ValueKind.Missing, ValueParser.Parse((object?)null, out _));
        Assert.Equal(ValueKind.NotFinite, ValueParser.Parse(double.NegativeInfinity, out _));
        Assert.Equal((7.0, 2.5, 1.5), (a, b, c));
    }

    [Fact]
    public void ZScore_uses_mean_and_population_standard_deviation()
    {
        double[] data = { 1, 10, 2, 10, 3, 10, 4, 10 }; // column 0: 1..4, column 1 constant
        Scaler s = Scaler.Fit(ScalingMethod.ZScore, data, 4, 2);
        Assert.Equal(2.5, s.Offset[0], 12);
        Assert.Equal(Math.Sqrt(1.25), s.Scale[0], 12);
        Assert.Equal(10, s.Offset[1], 12);
        Assert.Equal(1, s.Scale[1]); // constant column: no division by zero

        var scaled = new float[data.Length];
        s.Transform(data, scaled);
        Assert.All(scaled, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, scaled[1]);
        Assert.Equal(0, scaled.Where((_, k) => k % 2 == 0).Sum(), 5);
        Assert.Equal(4.0, s.Inverse((4 - 2.5) / Math.Sqrt(1.25), 0), 10);
    }

    [Fact]
    public void MinMax_maps_the_training_range_to_0_1()
    {
        double[] data = { -2, 5, 0, 5, 6, 5 };
        Scaler s = Scaler.Fit(ScalingMethod.MinMax, data, 3, 2);
        var scaled = new float[data.Length];
        s.Transform(data, scaled);
        Assert.Equal(new float[] { 0, 0, 0.25f, 0, 1, 0 }, scaled);
    }

    [Fact]
    public void Feature_selection_keeps_numeric_columns_in_first_row_order()
    {
        var rows = new[]
        {
            new TestData.Row(("timestamp", "2024-01-01 00:00"), ("cpu", "10.5"), ("host", "web1"), ("mem", 3)),
            new TestData.Row(("timestamp", "2024-01-01 00:05"), ("cpu", "11"), ("host", "web2"), ("mem", 4)),
        };
        Assert.Equal(new[] { "cpu", "mem" }, FeatureSchema.Select(rows, null, null));
        Assert.Equal(new[] { "mem" }, FeatureSchema.Select(rows, null, new[] { "CPU" }));
        Assert.Equal(new[] { "mem", "cpu" }, FeatureSchema.Select(rows, new[] { "MEM", "cpu" }, null));
    }

    [Fact]
    public void Missing_columns_are_all_named_in_one_error()
    {
        var row = new TestData.Row(("cpu", "1"));
        var ex = Assert.Throws<AnomalyDetectionException>(() => FeatureSchema.RequireColumns(row, new[] { "cpu", "mem", "disk" }));
        Assert.Equal(AnomalyErrorKind.MissingFeature, ex.Kind);
        Assert.Equal(new[] { "mem", "disk" }, ex.Columns);
        Assert.Contains("'mem', 'disk'", ex.Message);
    }

    [Fact]
    public void A_bad_value_names_its_row_and_column()
    {
        var row = new TestData.Row(("cpu", "1"), ("mem", "lots"));
        var dest = new double[2];
        AnomalyDetectionException? ex = FeatureSchema.TryRead(row, new[] { "cpu", "mem" }, 17, dest);
        Assert.NotNull(ex);
        Assert.Equal(AnomalyErrorKind.InvalidRow, ex!.Kind);
        Assert.Equal(17, ex.RowNumber);
        Assert.Equal("mem", ex.Column);
        Assert.StartsWith("Row 17: column 'mem' is 'lots', which is not a number", ex.Message);
    }

    [Theory]
    [InlineData(50, 2.5)]
    [InlineData(0, 1)]
    [InlineData(100, 4)]
    [InlineData(90, 3.7)]
    public void Percentiles_interpolate_linearly_like_numpy(double p, double expected)
    {
        // numpy.percentile([4, 1, 3, 2], p) gives these values.
        Assert.Equal(expected, ThresholdRules.Percentile(new double[] { 4, 1, 3, 2 }, p), 12);
    }

    [Fact]
    public void Percentile_of_nothing_is_an_error()
    {
        Assert.Throws<AnomalyDetectionException>(() => ThresholdRules.Percentile(Array.Empty<double>(), 99));
    }
}
