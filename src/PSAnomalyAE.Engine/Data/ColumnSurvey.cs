namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// What choosing and encoding the feature columns needs to know about the training rows, gathered in one pass over
/// them: per column, how many values read as numbers and how many do not, whether every usable value is the same
/// (as a number, and as a category), and the categories of the categorical columns. Rows held in memory and the
/// records of a CSV file are surveyed alike, so both choose the same columns and encodings.
/// </summary>
public sealed class ColumnSurvey
{
    private readonly Dictionary<string, int> _index;
    private readonly Column[] _columns;
    private double[]? _numbers; // with KeepNumbers: per row and column, the value when it is a number
    private bool[]? _isNumber;
    private bool _lastRowOnly; // the numbers kept are those of the last row added
    private readonly FirstValues _first = new(); // the first row's values, for hints

    /// <param name="present">Every column name of the rows, in first-seen order.</param>
    /// <param name="firstRowNames">The names of the first row (the spelling the model keeps).</param>
    /// <param name="categorical">The columns whose categories are learned.</param>
    public ColumnSurvey(IReadOnlyList<string> present, IEnumerable<string> firstRowNames, IEnumerable<string> categorical)
    {
        Present = present;
        FirstRowNames = firstRowNames.ToArray();
        _index = new Dictionary<string, int>(present.Count, StringComparer.OrdinalIgnoreCase);
        _columns = new Column[present.Count];
        var cat = new HashSet<string>(categorical, StringComparer.OrdinalIgnoreCase);
        for (int c = 0; c < present.Count; c++)
        {
            _index.TryAdd(present[c], c);
            _columns[c] = new Column(present[c], cat.Contains(present[c]));
        }
    }

    /// <summary>Every column name of the rows, in first-seen order.</summary>
    public IReadOnlyList<string> Present { get; }

    /// <summary>The names of the first row.</summary>
    public IReadOnlyList<string> FirstRowNames { get; }

    /// <summary>Rows surveyed.</summary>
    public long Rows { get; private set; }

    /// <summary>
    /// Surveys every row of <paramref name="rows"/>, whose columns are found by going through them once. With
    /// <paramref name="keepNumbers"/> the numbers read are kept, so the rows can be encoded without reading them again
    /// (<see cref="TryNumbers"/>).
    /// </summary>
    public static ColumnSurvey Of(IReadOnlyList<IRow> rows, IReadOnlyList<string> present, IEnumerable<string> categorical, bool keepNumbers = false)
    {
        var survey = new ColumnSurvey(present, rows.Count > 0 ? rows[0].Names : Array.Empty<string>(), categorical);
        if (keepNumbers)
        {
            survey._numbers = new double[checked(rows.Count * present.Count)];
            survey._isNumber = new bool[survey._numbers.Length];
        }

        foreach (IRow row in rows)
        {
            survey.Add(row);
        }

        return survey;
    }

    /// <summary>
    /// Keeps the numbers of the last row added (a file's current record), so that it can be encoded without reading
    /// its cells again: <see cref="TryNumbers"/> with row 0.
    /// </summary>
    public void KeepLastRow()
    {
        _numbers = new double[_columns.Length];
        _isNumber = new bool[_columns.Length];
        _lastRowOnly = true;
    }

    /// <summary>Adds one row: each column it has is counted (a CSV record's numbers are read from its characters).</summary>
    public void Add(IRow row)
    {
        if (Rows == 0)
        {
            _first.Take(row, _columns.Select(c => c.Name));
        }

        long at = Rows++ * _columns.Length;
        if (_lastRowOnly)
        {
            at = 0;
            Array.Clear(_isNumber!);
        }

        ITextRow? text = row as ITextRow;
        for (int c = 0; c < _columns.Length; c++)
        {
            Column column = _columns[c];
            if (text is not null && !column.Categorical)
            {
                if (text.TryGetText(column.Name, out ReadOnlySpan<char> cell))
                {
                    ValueKind kind = ValueParser.ParseText(cell, text.NumberFormat, out double x);
                    object? first = kind == ValueKind.Number && column.NeedsFirstValue && row.TryGetValue(column.Name, out object? given) ? given : null;
                    column.Count(kind, x, first);
                    Keep(at + c, kind, x);
                }

                continue;
            }

            if (row.TryGetValue(column.Name, out object? v))
            {
                ValueKind kind = ValueParser.Parse(v, out double x);
                column.Count(kind, x, v);
                Keep(at + c, kind, x);
            }
        }
    }

    private void Keep(long at, ValueKind kind, double x)
    {
        if (_numbers is not null && kind == ValueKind.Number && at < _numbers.Length)
        {
            _numbers[at] = x;
            _isNumber![at] = true;
        }
    }

    /// <summary>
    /// The numbers of columns <paramref name="columns"/> (indexes into <see cref="Present"/>) of surveyed row
    /// <paramref name="row"/>, as reading the row again would give them; false when the numbers were not kept or
    /// some cell is not a number (the row is then read again, for its missing values or its error).
    /// </summary>
    public bool TryNumbers(int row, IReadOnlyList<int> columns, Span<double> destination)
    {
        if (_numbers is null)
        {
            return false;
        }

        long start = (long)row * _columns.Length;
        for (int j = 0; j < columns.Count; j++)
        {
            long k = start + columns[j];
            if (!_isNumber![k])
            {
                return false;
            }

            destination[j] = _numbers[k];
        }

        return true;
    }

    /// <summary>The index of column <paramref name="name"/> in <see cref="Present"/> (any case).</summary>
    public int IndexOf(string name) => _index[name];

    /// <summary>True when some row has column <paramref name="name"/> (any case).</summary>
    public bool Has(string name) => _index.ContainsKey(name);

    /// <summary>The first row's values of the surveyed columns (a file's cells as their text), for hints about how the values were written.</summary>
    public IRow FirstRow => _first;


    /// <summary>A copy of a row's values: the rows of a file are read into one reused record.</summary>
    private sealed class FirstValues : IRow
    {
        private readonly Dictionary<string, object?> _values = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _names = new();

        public IEnumerable<string> Names => _names;

        public bool TryGetValue(string name, out object? value) => _values.TryGetValue(name, out value);

        internal void Take(IRow row, IEnumerable<string> names)
        {
            foreach (string name in names)
            {
                object? value = null;
                bool found = row is ITextRow text && text.TryGetText(name, out ReadOnlySpan<char> cell)
                    ? (value = cell.ToString()) is not null
                    : row.TryGetValue(name, out value);
                if (found)
                {
                    _names.Add(name);
                    _values[name] = value;
                }
            }
        }
    }

    /// <summary>True when more of the column's values read as numbers than do not (missing values aside).</summary>
    public bool IsNumeric(string name) => _columns[_index[name]].IsNumeric;

    /// <summary>The categories of a categorical column, sorted (ordinal).</summary>
    public string[] Categories(string name) => _columns[_index[name]].CategoryList();

    /// <summary>
    /// True when every row with a usable value in column <paramref name="name"/> has the same one (as a category when
    /// <paramref name="categorical"/>, else as a number) and some row has one; <paramref name="value"/> is the first.
    /// </summary>
    public bool IsConstant(string name, bool categorical, out object? value) => _columns[_index[name]].IsConstant(categorical, out value);

    /// <summary>One column's counts.</summary>
    private sealed class Column
    {
        private readonly SortedSet<string>? _categories;
        private int _numbers;
        private int _others;
        private bool _numberSeen;
        private bool _numberVaries;
        private double _firstNumber;
        private object? _firstNumberValue;
        private string? _firstCategory;
        private object? _firstCategoryValue;
        private bool _categoryVaries;

        internal Column(string name, bool categorical)
        {
            Name = name;
            Categorical = categorical;
            _categories = categorical ? new SortedSet<string>(StringComparer.Ordinal) : null;
        }

        internal string Name { get; }

        internal bool Categorical { get; }

        /// <summary>True until the first number is seen: its value as the row gave it goes into the warning about a constant column.</summary>
        internal bool NeedsFirstValue => !_numberSeen;

        internal bool IsNumeric => _numbers > _others;

        internal void Count(ValueKind kind, double x, object? value)
        {
            switch (kind)
            {
                case ValueKind.Number:
                    _numbers++;
                    if (!_numberSeen)
                    {
                        (_numberSeen, _firstNumber, _firstNumberValue) = (true, x, value);
                    }
                    else if (BitConverter.DoubleToInt64Bits(x) != BitConverter.DoubleToInt64Bits(_firstNumber))
                    {
                        _numberVaries = true; // the same test as comparing their round-trip texts ("0" and "-0" differ)
                    }

                    break;
                case ValueKind.NotANumber:
                case ValueKind.NotFinite:
                    _others++;
                    break;
            }

            if (_categories is not null)
            {
                string category = FeatureEncoding.Category(value);
                _categories.Add(category);
                if (_firstCategory is null)
                {
                    (_firstCategory, _firstCategoryValue) = (category, value);
                }
                else if (!string.Equals(_firstCategory, category, StringComparison.Ordinal))
                {
                    _categoryVaries = true;
                }
            }
        }

        internal string[] CategoryList() => _categories?.ToArray() ?? Array.Empty<string>();

        internal bool IsConstant(bool categorical, out object? value)
        {
            if (categorical)
            {
                value = _firstCategoryValue;
                return _firstCategory is not null && !_categoryVaries;
            }

            value = _firstNumberValue;
            return _numberSeen && !_numberVaries;
        }
    }
}
