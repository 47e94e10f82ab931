using nietras.SeparatedValues;

namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Reads a CSV file record by record for scoring, as Import-Csv would present it: the first line names the columns,
/// fields are separated by commas and may be quoted (quotes removed, "" inside quotes is one "), blank lines are
/// passed over, a short record lacks its last cells and extra fields are ignored. Records are numbered from 1 (data
/// rows, not lines), the pipeline position of the same row after Import-Csv.
/// <para>
/// Only the current record and the records <see cref="Keep"/> was called for (a batch waiting for its scores) are
/// held, as characters in one reused buffer, so memory does not grow with the file.
/// </para>
/// </summary>
public sealed class CsvRowSource : IDisposable
{
    private readonly SepReader _reader;
    private readonly Dictionary<string, int> _index;
    private readonly int _width;
    private readonly RecordView _current;
    private char[] _chars = new char[1 << 16];
    private int[] _cells; // per record slot: width + 1 entries: cell starts, then the end; a missing cell starts at -1
    private int _kept;

    private CsvRowSource(string path, SepReader reader)
    {
        Path = path;
        _reader = reader;
        Columns = reader.Header.ColNames.ToArray();
        _width = Columns.Count;
        _index = new Dictionary<string, int>(_width, StringComparer.OrdinalIgnoreCase);
        for (int c = 0; c < _width; c++)
        {
            if (!_index.TryAdd(Columns[c], c))
            {
                throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"The header of '{path}' names the column '{Columns[c]}' more than once.");
            }
        }

        _cells = new int[64 * (_width + 1)];
        _current = new RecordView(this);
    }

    public string Path { get; }

    /// <summary>The column names of the header, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The number of the current record: 1 for the first data row.</summary>
    public long RowNumber { get; private set; }

    /// <summary>The current record, valid until the next <see cref="MoveNext"/> or <see cref="ClearKept"/>.</summary>
    public ITextRow Current => _current;

    /// <summary>Records kept since the last <see cref="ClearKept"/>.</summary>
    public int Kept => _kept;

    /// <summary>
    /// Opens <paramref name="path"/> and reads its header. I/O errors are thrown as they are; a path that is not a
    /// regular file (a device, a FIFO, a directory) is an <see cref="IOException"/> before it is opened.
    /// </summary>
    public static CsvRowSource Open(string path)
    {
        var text = new StreamReader(Persistence.RegularFile.OpenRead(path), detectEncodingFromByteOrderMarks: true);
        try
        {
            SepReader reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true }).From(text);
            try
            {
                return new CsvRowSource(path, reader);
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is not (IOException or UnauthorizedAccessException or AnomalyDetectionException))
        {
            text.Dispose();
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"'{path}' cannot be read as CSV: {ex.Message}", ex);
        }
    }

    /// <summary>Checks that the header has every feature; the error lists all that are missing, as for pipeline rows.</summary>
    public void RequireColumns(IReadOnlyList<string> features) => FeatureSchema.RequireColumns(new HeaderRow(this), features);

    /// <summary>Moves to the next data record; false at the end of the file.</summary>
    public bool MoveNext()
    {
        while (_reader.MoveNext())
        {
            SepReader.Row row = _reader.Current;
            if (row.ColCount == 1 && row[0].Span.IsEmpty)
            {
                continue; // a blank line, which Import-Csv passes over too
            }

            RowNumber++;
            Store(row, _kept);
            return true;
        }

        return false;
    }

    /// <summary>Keeps the current record for <see cref="Cell"/> until <see cref="ClearKept"/> (rows waiting for their scores).</summary>
    public void Keep() => _kept++;

    /// <summary>Forgets the kept records; their space is reused by the records read next.</summary>
    public void ClearKept() => _kept = 0;

    /// <summary>The text of cell <paramref name="column"/> of kept record <paramref name="record"/>; null when the record is too short to have it.</summary>
    public string? Cell(int record, int column)
    {
        int at = (record * (_width + 1)) + column;
        int start = _cells[at];
        return start < 0 ? null : new string(_chars, start, End(at) - start);
    }

    public void Dispose() => _reader.Dispose();

    private int SlotStart(int slot) => slot == 0 ? 0 : _cells[((slot - 1) * (_width + 1)) + _width];

    // The end of the cell at index 'at': the start of the next present cell, or the record's end.
    private int End(int at)
    {
        int slotEnd = ((at / (_width + 1)) * (_width + 1)) + _width;
        for (int k = at + 1; k < slotEnd; k++)
        {
            if (_cells[k] >= 0)
            {
                return _cells[k];
            }
        }

        return _cells[slotEnd];
    }

    private void Store(SepReader.Row row, int slot)
    {
        int need = (slot + 1) * (_width + 1);
        if (_cells.Length < need)
        {
            Array.Resize(ref _cells, Math.Max(need, _cells.Length * 2));
        }

        int pos = SlotStart(slot), at = slot * (_width + 1);
        int present = Math.Min(row.ColCount, _width);
        for (int c = 0; c < _width; c++)
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

        _cells[at + _width] = pos;
    }

    private bool TryGetCurrent(string name, out ReadOnlySpan<char> text, out bool present)
    {
        text = default;
        present = false;
        if (!_index.TryGetValue(name, out int c))
        {
            return false;
        }

        int at = (_kept * (_width + 1)) + c;
        int start = _cells[at];
        if (start >= 0)
        {
            present = true;
            text = _chars.AsSpan(start, End(at) - start);
        }

        return true;
    }

    /// <summary>The current record as a row; one instance, reused for every record.</summary>
    private sealed class RecordView : ITextRow
    {
        private readonly CsvRowSource _source;

        internal RecordView(CsvRowSource source) => _source = source;

        public IEnumerable<string> Names => _source.Columns;

        public bool TryGetText(string name, out ReadOnlySpan<char> text) => _source.TryGetCurrent(name, out text, out _);

        public bool TryGetValue(string name, out object? value)
        {
            value = null;
            if (!_source.TryGetCurrent(name, out ReadOnlySpan<char> text, out bool present))
            {
                return false;
            }

            value = present ? text.ToString() : null;
            return true;
        }
    }

    /// <summary>The header alone, to check columns before any record is read.</summary>
    private sealed class HeaderRow : IRow
    {
        private readonly CsvRowSource _source;

        internal HeaderRow(CsvRowSource source) => _source = source;

        public IEnumerable<string> Names => _source.Columns;

        public bool TryGetValue(string name, out object? value)
        {
            value = null;
            return _source._index.ContainsKey(name);
        }
    }
}
