namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Encoded training rows, <see cref="Width"/> values each, in order, held in blocks of rows: rows read from a file
/// are appended without ever copying the rows read before (no array that doubles as it grows), and training makes
/// its samples from them block by block. An array of rows is wrapped as one block, without a copy.
/// </summary>
public sealed class TrainingRows : ITrainingRows
{
    private const int BlockRows = 1 << 14;

    private readonly List<double[]> _blocks = new();
    private readonly int _blockRows;

    /// <param name="width">Values per row (at least 1).</param>
    public TrainingRows(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Width = width;
        _blockRows = BlockRows;
    }

    private TrainingRows(double[] data, int rows, int width)
    {
        Width = width;
        _blockRows = Math.Max(rows, 1);
        _blocks.Add(data);
        Count = rows;
    }

    public int Width { get; }

    /// <summary>Rows held.</summary>
    public int Count { get; private set; }

    /// <summary>The first <paramref name="rows"/> rows of row-major <paramref name="data"/> (used in place, not copied).</summary>
    public static TrainingRows Of(double[] data, int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (rows < 0 || (long)rows * width > data.Length)
        {
            throw new ArgumentException("Data length does not match rows x features.", nameof(data));
        }

        return new TrainingRows(data, rows, width);
    }

    /// <summary>Row <paramref name="row"/> (from 0), to read or change in place.</summary>
    public Span<double> this[int row]
    {
        get
        {
            if ((uint)row >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(row));
            }

            return _blocks[row / _blockRows].AsSpan(row % _blockRows * Width, Width);
        }
    }

    /// <summary>Room for one more row, to be filled by the caller; <see cref="DropLast"/> takes it back.</summary>
    public Span<double> Append()
    {
        if (Count == _blocks.Count * _blockRows)
        {
            _blocks.Add(new double[_blockRows * Width]);
        }

        Count++;
        return this[Count - 1];
    }

    /// <summary>Forgets the last row appended (a row that turned out to be unusable).</summary>
    public void DropLast()
    {
        if (Count > 0)
        {
            Count--;
        }
    }

    /// <summary>Lets go of every row (the blocks are left to the collector).</summary>
    public void Clear()
    {
        _blocks.Clear();
        Count = 0;
    }

    /// <inheritdoc/>
    public void ForEachRow(RowAction action)
    {
        for (int i = 0; i < Count; i++)
        {
            action(i, this[i]);
        }
    }

    /// <inheritdoc/>
    void ITrainingRows.Release() => Clear();

    /// <summary>The rows as one row-major array (an array wrapped whole is given back as it is).</summary>
    public double[] ToArray()
    {
        if (_blocks.Count == 1 && _blocks[0].Length == (long)Count * Width)
        {
            return _blocks[0];
        }

        var data = new double[checked(Count * Width)];
        for (int i = 0; i < Count; i++)
        {
            this[i].CopyTo(data.AsSpan(i * Width, Width));
        }

        return data;
    }

    /// <summary>The rows in the order of <paramref name="order"/> (indexes of these rows), as new rows.</summary>
    public TrainingRows Reordered(IReadOnlyList<int> order)
    {
        var sorted = new TrainingRows(Width);
        foreach (int i in order)
        {
            this[i].CopyTo(sorted.Append());
        }

        return sorted;
    }

    /// <summary>Per column, the mean of the values that are not NaN (0 for a column without any), over the rows in order.</summary>
    public double[] ColumnMeans()
    {
        var columns = new ColumnStatistics(Width);
        for (int i = 0; i < Count; i++)
        {
            columns.Add(this[i]);
        }

        return columns.Means;
    }
}
