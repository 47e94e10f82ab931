using nietras.SeparatedValues;

namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Records of a CSV file held as characters in one buffer (see <see cref="CsvRowSource"/>): the rows of a batch
/// waiting for their scores, so that the rows written out carry every column's text without a string per cell
/// until a row is written.
/// </summary>
public sealed class CsvRecords
{
    private char[] _chars = new char[1 << 16];
    private int[] _cells; // per record slot: width + 1 entries: cell starts, then the end; a missing cell starts at -1

    internal CsvRecords(int width)
    {
        Width = width;
        _cells = new int[64 * (width + 1)];
    }

    /// <summary>Columns per record: those of the header.</summary>
    public int Width { get; }

    /// <summary>Records held.</summary>
    public int Count { get; internal set; }

    /// <summary>The text of cell <paramref name="column"/> of record <paramref name="record"/>; null when the record is too short to have it.</summary>
    public string? Cell(int record, int column) =>
        TryGetCell(record, column, out ReadOnlySpan<char> text) ? new string(text) : null;

    /// <summary>The text of a cell of record slot <paramref name="record"/>; false when the record is too short to have it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal bool TryGetCell(int record, int column, out ReadOnlySpan<char> text)
    {
        int at = (record * (Width + 1)) + column;
        int start = _cells[at];
        text = start < 0 ? default : _chars.AsSpan(start, End(at) - start);
        return start >= 0;
    }

    /// <summary>Stores <paramref name="row"/> in the slot after the records held (it is held once <see cref="Count"/> grows).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal void Store(SepReader.Row row)
    {
        int slot = Count;
        int need = (slot + 1) * (Width + 1);
        if (_cells.Length < need)
        {
            Array.Resize(ref _cells, Math.Max(need, _cells.Length * 2));
        }

        int pos = slot == 0 ? 0 : _cells[((slot - 1) * (Width + 1)) + Width], at = slot * (Width + 1);
        int present = Math.Min(row.ColCount, Width);
        for (int c = 0; c < Width; c++)
        {
            if (c >= present)
            {
                _cells[at + c] = -1;
                continue;
            }

            ReadOnlySpan<char> cell = row[c].Span;
            if (pos + cell.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(pos + cell.Length, _chars.Length * 2));
            }

            cell.CopyTo(_chars.AsSpan(pos));
            _cells[at + c] = pos;
            pos += cell.Length;
        }

        _cells[at + Width] = pos;
    }

    // The end of the cell at index 'at': the start of the next present cell, or the record's end.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private int End(int at)
    {
        int slotEnd = ((at / (Width + 1)) * (Width + 1)) + Width;
        for (int k = at + 1; k < slotEnd; k++)
        {
            if (_cells[k] >= 0)
            {
                return _cells[k];
            }
        }

        return _cells[slotEnd];
    }
}
