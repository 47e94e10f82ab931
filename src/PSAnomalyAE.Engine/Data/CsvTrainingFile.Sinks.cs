namespace PSAnomalyAE.Engine.Data;

public sealed partial class CsvTrainingFile
{
    /// <summary>Where <see cref="RecordEncoder"/> puts the rows it reads: the room for the next one, then whether it is kept.</summary>
    private interface IRowSink
    {
        Span<double> Next();

        void Keep();

        void Discard();
    }

    /// <summary>Rows kept in memory.</summary>
    private sealed class HeldRows : IRowSink
    {
        internal HeldRows(int width) => Rows = new TrainingRows(width);

        internal TrainingRows Rows { get; }

        public Span<double> Next() => Rows.Append();

        public void Keep()
        {
        }

        public void Discard() => Rows.DropLast();
    }

    /// <summary>Rows counted, not kept: the number kept and, per column, the sum and number of the values that are not missing, in file order.</summary>
    private sealed class RowTally : IRowSink
    {
        private readonly double[] _row;
        private readonly ColumnStatistics _columns;

        internal RowTally(int width)
        {
            _row = new double[width];
            _columns = new ColumnStatistics(width);
        }

        internal int Count { get; private set; }

        /// <summary>The mean of each column's values that are not missing, as <see cref="TrainingRows.ColumnMeans"/> gives it for the rows held.</summary>
        internal double[] Means => _columns.Means;

        /// <summary>Values missing in the rows kept.</summary>
        internal long Missing => ((long)Count * _row.Length) - _columns.Present;

        public Span<double> Next() => _row;

        public void Keep()
        {
            checked
            {
                Count++;
            }

            _columns.Add(_row);
        }

        public void Discard()
        {
        }
    }

    /// <summary>Each row kept handed on with its index.</summary>
    private sealed class RowVisit : IRowSink
    {
        private readonly double[] _row;
        private readonly int _limit;
        private readonly RowAction _action;

        /// <summary>Passes each row kept to <paramref name="action"/>, up to <paramref name="limit"/> rows; rows past it are counted only, so that the reader can tell the file grew.</summary>
        internal RowVisit(int width, int limit, RowAction action)
        {
            _row = new double[width];
            _limit = limit;
            _action = action;
        }

        internal int Count { get; private set; }

        public Span<double> Next() => _row;

        public void Keep()
        {
            if (Count < _limit)
            {
                _action(Count, _row);
            }

            Count++;
        }

        public void Discard()
        {
        }
    }
}
