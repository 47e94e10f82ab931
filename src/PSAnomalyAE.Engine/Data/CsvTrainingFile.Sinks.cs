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

        internal RowTally(int width)
        {
            _row = new double[width];
            Sums = new double[width];
            Present = new long[width];
        }

        internal int Count { get; private set; }

        internal double[] Sums { get; }

        internal long[] Present { get; }

        /// <summary>The mean of each column's values that are not missing, as <see cref="TrainingRows.ColumnMeans"/> gives it for the rows held.</summary>
        internal double[] Means => Sums.Select((s, j) => Present[j] > 0 ? s / Present[j] : 0).ToArray();

        /// <summary>Values missing in the rows kept.</summary>
        internal long Missing => ((long)Count * _row.Length) - Present.Sum();

        public Span<double> Next() => _row;

        public void Keep()
        {
            checked
            {
                Count++;
            }

            for (int j = 0; j < _row.Length; j++)
            {
                if (!double.IsNaN(_row[j]))
                {
                    Sums[j] += _row[j];
                    Present[j]++;
                }
            }
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

        /// <param name="limit">The rows the action takes; rows past it are counted, not passed on, so that the reader can tell the file grew.</param>
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
