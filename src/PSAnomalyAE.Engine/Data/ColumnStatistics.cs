namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Per column, the mean of the values that are not NaN and (when asked for) the range of the finite ones, taken row by
/// row in order: rows held, rows in blocks and rows read again from a file give the same figures to the last bit.
/// </summary>
internal sealed class ColumnStatistics
{
    private readonly double[] _sum;
    private readonly long[] _present;
    private readonly double[]? _min;
    private readonly double[]? _max;

    /// <param name="width">Values per row.</param>
    /// <param name="ranges">Whether to keep each column's range too (<see cref="Ranges"/>).</param>
    internal ColumnStatistics(int width, bool ranges = false)
    {
        _sum = new double[width];
        _present = new long[width];
        if (ranges)
        {
            _min = Enumerable.Repeat(double.PositiveInfinity, width).ToArray();
            _max = Enumerable.Repeat(double.NegativeInfinity, width).ToArray();
        }
    }

    /// <summary>Values that are not NaN, over every column.</summary>
    internal long Present => _present.Sum();

    /// <summary>Each column's mean over its values that are not NaN (0 for a column with none).</summary>
    internal double[] Means => _sum.Select((s, j) => _present[j] > 0 ? s / _present[j] : 0).ToArray();

    /// <summary>Each column's lowest and highest finite value.</summary>
    internal FeatureRanges Ranges => new(
        (double[])(_min ?? throw new InvalidOperationException("Ranges were not kept.")).Clone(),
        (double[])_max!.Clone());

    internal void Add(ReadOnlySpan<double> row)
    {
        for (int j = 0; j < _sum.Length; j++)
        {
            double v = row[j];
            if (!double.IsNaN(v))
            {
                _sum[j] += v;
                _present[j]++;
            }
        }

        if (_min is not null)
        {
            for (int j = 0; j < _min.Length; j++)
            {
                double v = row[j];
                if (double.IsFinite(v))
                {
                    _min[j] = Math.Min(_min[j], v);
                    _max![j] = Math.Max(_max[j], v);
                }
            }
        }
    }

    /// <summary>Adds each row of row-major <paramref name="data"/>.</summary>
    internal ColumnStatistics AddRows(ReadOnlySpan<double> data)
    {
        for (int k = 0; k + _sum.Length <= data.Length; k += _sum.Length)
        {
            Add(data.Slice(k, _sum.Length));
        }

        return this;
    }
}
