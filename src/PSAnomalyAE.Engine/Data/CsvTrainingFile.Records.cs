namespace PSAnomalyAE.Engine.Data;

public sealed partial class CsvTrainingFile
{
    /// <summary>
    /// Encodes a file's records one by one into training rows, with the rules of <see cref="Encode"/>: time keys,
    /// bad rows reported and left out, the first rows' problems held until a row passes. Problems go to
    /// <see cref="RowError"/>, or, while the encoding is not yet known to be the one the whole file gives, to a list
    /// (<c>held</c>) to be reported once it is; such an encoder gives up instead of stopping when the first rows all fail.
    /// A quiet encoder (reading the file again) reports nothing: its problems were reported by the first pass.
    /// </summary>
    private sealed class RecordEncoder
    {
        private const int MostHeld = 10_000;

        private readonly CsvTrainingFile _file;
        private readonly RowEncoder _encoder;
        private readonly List<AnomalyDetectionException>? _held;
        private readonly IRowSink _sink;
        private readonly bool _quiet;
        private readonly List<double>? _keys;
        private readonly RowProblemGate<AnomalyDetectionException> _gate = new();

        internal RecordEncoder(CsvTrainingFile file, RowEncoder encoder, IRowSink sink, List<AnomalyDetectionException>? held, bool quiet = false)
        {
            _file = file;
            _encoder = encoder;
            _sink = sink;
            _held = held;
            _quiet = quiet;
            _keys = file.TimestampColumn is null ? null : new List<double>();
        }

        /// <summary>True when an encoder holding its problems met too many, or first rows that all fail: the file is read again.</summary>
        internal bool GaveUp { get; private set; }

        /// <summary>
        /// Encodes the current record of <paramref name="source"/>; with <paramref name="survey"/> (which has just
        /// surveyed this record) the numbers of columns <paramref name="surveyed"/> are taken from it when all are numbers.
        /// </summary>
        internal void Take(CsvRowSource source, ColumnSurvey? survey, int[]? surveyed)
        {
            AnomalyDetectionException? problem = source.Incomplete ?? TimeKey(source);
            bool keyed = problem is null && _keys is not null;
            RowStatus status = RowStatus.Invalid;
            if (problem is null)
            {
                Span<double> row = _sink.Next();
                status = survey is not null && survey.TryNumbers(0, surveyed!, row)
                    ? RowStatus.Read
                    : _encoder.Read(source.Current, source.RowNumber, row, out problem);
                if (status == RowStatus.Read)
                {
                    _sink.Keep();
                }
                else
                {
                    _sink.Discard();
                }
            }

            if (keyed && status != RowStatus.Read)
            {
                _keys!.RemoveAt(_keys.Count - 1);
            }

            if (status == RowStatus.Invalid)
            {
                Report(problem!);
            }
            else
            {
                Pass();
            }
        }

        /// <summary>
        /// The rows read: held, in time order with <see cref="TimestampColumn"/>, missing values imputed; or, when
        /// they were only counted, the file to be read again on each pass.
        /// </summary>
        internal ITrainingRows Finish(FeatureEncoding encoding)
        {
            if (_gate.NothingPassed)
            {
                throw RowEncoder.NothingTrained(_gate.Held);
            }

            if (_sink is RowTally tally)
            {
                return _file.Again(encoding, _encoder, tally);
            }

            TrainingRows rows = ((HeldRows)_sink).Rows;
            if (_keys is not null)
            {
                rows = rows.Reordered(Enumerable.Range(0, _keys.Count).OrderBy(i => _keys[i]).ToArray());
            }

            _encoder.ImputeColumnMeans(rows);
            return rows;
        }

        /// <summary>Adds the current record's time to the keys; the error when it has none.</summary>
        private AnomalyDetectionException? TimeKey(CsvRowSource source)
        {
            if (_keys is null)
            {
                return null;
            }

            string column = _file.TimestampColumn!;
            source.Current.TryGetValue(column, out object? value);
            if (TimeOrder.Key(value) is { } key)
            {
                _keys.Add(key);
                return null;
            }

            return new AnomalyDetectionException(AnomalyErrorKind.InvalidRow, $"Row {source.RowNumber}: column '{column}' is {ValueParser.Describe(value)}, which is neither a date nor a number. The row was skipped.")
            {
                RowNumber = source.RowNumber,
                Column = column,
            };
        }

        private void Report(AnomalyDetectionException problem)
        {
            if (_quiet)
            {
                return;
            }

            if (!_gate.Hold(problem))
            {
                Tell(problem);
            }
            else if (_gate.IsSystematic)
            {
                GaveUp |= _held is not null;
                if (_held is null)
                {
                    throw RowEncoder.NothingTrained(_gate.Held);
                }
            }
        }

        private void Pass()
        {
            if (_quiet)
            {
                return;
            }

            foreach (AnomalyDetectionException held in _gate.Pass())
            {
                Tell(held);
            }
        }

        private void Tell(AnomalyDetectionException problem)
        {
            if (_held is null)
            {
                _file.RowError?.Invoke(problem);
                return;
            }

            _held.Add(problem);
            GaveUp |= _held.Count > MostHeld;
        }
    }
}
