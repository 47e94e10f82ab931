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
/// <para>
/// A file cut short under the reader does not end the scan quietly: a last line that has no line break and fewer
/// fields than the header is reported by <see cref="Incomplete"/>, and a file that ends before the length it had when
/// it was opened makes <see cref="MoveNext"/> throw.
/// </para>
/// </summary>
public sealed class CsvRowSource : IDisposable
{
    private readonly SepReader _reader;
    private readonly FileStream _file;
    private readonly LineCountingReader _text;
    private readonly long _length;
    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, int> _byReference = new(ReferenceEqualityComparer.Instance); // the same name objects are asked for every record
    private readonly string?[] _askedNames = new string?[256]; // the n-th name asked of the last record, and its column:
    private readonly int[] _askedColumns = new int[256]; // a record is asked for the same names in the same order
    private int _asked;
    private readonly int _width;
    private readonly RecordView _current;
    private CsvRecords _store;
    private readonly Stack<CsvRecords> _spares = new();

    private CsvRowSource(string path, FileStream file, LineCountingReader text, SepReader reader)
    {
        Path = path;
        _file = file;
        _text = text;
        _length = file.CanSeek ? file.Length : -1;
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

        _store = new CsvRecords(_width);
        _current = new RecordView(this);
    }

    public string Path { get; }

    /// <summary>The column names of the header, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>How the file writes numbers: the invariant culture ('.' for decimals) unless set (-Culture).</summary>
    public System.Globalization.NumberFormatInfo NumberFormat { get; set; } = System.Globalization.NumberFormatInfo.InvariantInfo;

    /// <summary>The number of the current record: 1 for the first data row.</summary>
    public long RowNumber { get; private set; }

    /// <summary>The current record, valid until the next <see cref="MoveNext"/> or <see cref="ClearKept"/>.</summary>
    public ITextRow Current => _current;

    /// <summary>
    /// Why the current record cannot be used, or null: the file ended in the middle of it (no line break after it and
    /// fewer fields than the header), as when the file is cut short or still being written.
    /// </summary>
    public AnomalyDetectionException? Incomplete { get; private set; }

    /// <summary>Records kept since the last <see cref="ClearKept"/>.</summary>
    public int Kept => _store.Count;

    /// <summary>
    /// Opens <paramref name="path"/> and reads its header. I/O errors are thrown as they are; a path that is not a
    /// regular file (a device, a FIFO, a directory) is an <see cref="IOException"/> before it is opened.
    /// </summary>
    public static CsvRowSource Open(string path)
    {
        Persistence.RegularFile.Require(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        var text = new LineCountingReader(new StreamReader(file, detectEncodingFromByteOrderMarks: true));
        try
        {
            SepReader reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true }).From(text);
            try
            {
                return new CsvRowSource(path, file, text, reader);
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

    /// <summary>
    /// Moves to the next data record; false at the end of the file. Throws an <see cref="IOException"/> at the end
    /// when the file became shorter than it was when it was opened: it changed while it was read, and rows are missing.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
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
            _asked = 0;
            _store.Store(row);
            Incomplete = row.ColCount < _width && _text.EndsWithin(row.LineNumberToExcl - 1) ? CutShort(row.ColCount) : null;
            return true;
        }

        Incomplete = null;
        if (_length >= 0 && _file.Position < _length)
        {
            throw new IOException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"'{Path}' changed while it was being read: it was {_length:N0} bytes long when the scan began, but it ended at byte {_file.Position:N0}, after {RowNumber:N0} rows were read. It was cut short or replaced, so the rows after those were not read; score it again once nothing is writing it."));
        }

        return false;
    }

    /// <summary>Keeps the current record for <see cref="Cell"/> until <see cref="ClearKept"/> (rows waiting for their scores).</summary>
    public void Keep() => _store.Count++;

    /// <summary>Forgets the kept records; their space is reused by the records read next.</summary>
    public void ClearKept() => _store.Count = 0;

    /// <summary>The text of cell <paramref name="column"/> of kept record <paramref name="record"/>; null when the record is too short to have it.</summary>
    public string? Cell(int record, int column) => _store.Cell(record, column);

    /// <summary>
    /// Hands over the kept records (a batch that goes on to be scored while later records are read) and starts
    /// keeping afresh; the current record is no longer valid. The new records go in the space of records given back
    /// with <see cref="Recycle"/> when there are any.
    /// </summary>
    public CsvRecords TakeKept()
    {
        CsvRecords taken = _store;
        _store = _spares.Count > 0 ? _spares.Pop() : new CsvRecords(_width);
        _store.Count = 0;
        return taken;
    }

    /// <summary>Gives back records from <see cref="TakeKept"/> that are no longer needed, so their space is reused.</summary>
    public void Recycle(CsvRecords records)
    {
        if (records.Width == _width && !ReferenceEquals(records, _store))
        {
            _spares.Push(records);
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _file.Dispose();
    }

    private AnomalyDetectionException CutShort(int fields) => new(
        AnomalyErrorKind.InvalidRow,
        $"Row {RowNumber}: the file ended in the middle of this row: it has {fields} of the {_width} fields of the header and no line break after it (the file was cut short, or is still being written). The row was skipped.")
    {
        RowNumber = RowNumber,
    };

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool TryGetCurrent(string name, out ReadOnlySpan<char> text, out bool present)
    {
        text = default;
        present = false;
        int c, n = _asked++;
        if (n < _askedNames.Length && ReferenceEquals(_askedNames[n], name))
        {
            c = _askedColumns[n];
        }
        else
        {
            if (!_byReference.TryGetValue(name, out c))
            {
                c = _index.TryGetValue(name, out int found) ? found : -1;
                if (_byReference.Count < 1024)
                {
                    _byReference[name] = c;
                }
            }

            if (n < _askedNames.Length)
            {
                _askedNames[n] = name;
                _askedColumns[n] = c;
            }
        }

        if (c < 0)
        {
            return false;
        }

        present = _store.TryGetCell(_store.Count, c, out text);
        return true;
    }

    /// <summary>The current record as a row; one instance, reused for every record.</summary>
    private sealed class RecordView : ITextRow
    {
        private readonly CsvRowSource _source;

        internal RecordView(CsvRowSource source) => _source = source;

        public IEnumerable<string> Names => _source.Columns;

        public bool TryGetText(string name, out ReadOnlySpan<char> text) => _source.TryGetCurrent(name, out text, out _);

        public System.Globalization.NumberFormatInfo NumberFormat => _source.NumberFormat;

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

    /// <summary>
    /// Passes the text of the file on to the CSV reader and counts its line breaks ("\r\n", "\n" or "\r", as the
    /// reader counts lines), so the last record can be told from one that ended without its line break.
    /// </summary>
    private sealed class LineCountingReader : TextReader
    {
        private readonly TextReader _inner;
        private long _breaks;
        private bool _afterReturn;
        private bool _atEnd;

        internal LineCountingReader(TextReader inner) => _inner = inner;

        /// <summary>True when the text has ended and line <paramref name="line"/> (1-based) has no line break after it.</summary>
        internal bool EndsWithin(int line) => _atEnd && line > _breaks;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public override int Read(Span<char> buffer)
        {
            int count = _inner.Read(buffer);
            if (buffer.Length > 0)
            {
                Count(buffer[..count]);
            }

            return count;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read()
        {
            Span<char> one = stackalloc char[1];
            return Read(one) == 0 ? -1 : one[0];
        }

        public override int Peek() => _inner.Peek();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private void Count(ReadOnlySpan<char> chars)
        {
            _atEnd = chars.IsEmpty;
            if (chars.IsEmpty)
            {
                return;
            }

            _breaks += chars.Count('\n') + chars.Count('\r');
            if (_afterReturn && chars[0] == '\n')
            {
                _breaks--; // "\r\n" across two reads
            }

            for (int at = chars.IndexOf("\r\n"); at >= 0; at = chars.IndexOf("\r\n"))
            {
                _breaks--;
                chars = chars[(at + 2)..];
            }

            _afterReturn = chars.Length > 0 && chars[^1] == '\r';
        }
    }
}
