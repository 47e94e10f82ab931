namespace PSAnomalyAE.Engine.Data;

public sealed partial class CsvTrainingFile
{
    private FileStamp _stamp;

    /// <summary>The file's length and last write time, to tell that it has not changed between passes.</summary>
    private readonly record struct FileStamp(long Length, DateTime Written);

    private FileStamp Stamp()
    {
        var info = new FileInfo(Path);
        return new FileStamp(info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>The rows counted by <paramref name="tally"/>, to be read again from the file on each pass.</summary>
    private ITrainingRows Again(FeatureEncoding encoding, RowEncoder encoder, RowTally tally)
    {
        double[]? means = null;
        if (encoder.Policy == MissingValuePolicy.Impute && encoder.IncompleteRows > 0)
        {
            // As RowEncoder.ImputeColumnMeans does for rows held: the column means of the rows kept.
            means = tally.Means;
            encoder.CountImputed(checked((int)tally.Missing));
        }

        return new FileRows(this, new RowEncoder(encoding, encoder.Policy, means), tally.Count, _stamp);
    }

    /// <summary>
    /// The rows of a file too large to hold, read again on each pass with the encoding and the imputed values of the
    /// first pass, which reported the file's problems; a file that changed since then stops training.
    /// </summary>
    private sealed class FileRows : ITrainingRows
    {
        private readonly CsvTrainingFile _file;
        private readonly RowEncoder _encoder;
        private readonly FileStamp _stamp;

        internal FileRows(CsvTrainingFile file, RowEncoder encoder, int count, FileStamp stamp)
        {
            _file = file;
            _encoder = encoder;
            _stamp = stamp;
            Count = count;
        }

        public int Width => _encoder.Encoding.Width;

        public int Count { get; }

        public void ForEachRow(RowAction action)
        {
            var visit = new RowVisit(Width, Count, action);
            var records = new RecordEncoder(_file, _encoder, visit, held: null, quiet: true);
            using (CsvRowSource source = _file.Open())
            {
                RequireUnchanged(_file._stamp == _stamp);
                while (source.MoveNext())
                {
                    _file.CheckCancel(source);
                    records.Take(source, null, null);
                    RequireUnchanged(visit.Count <= Count);
                }
            }

            RequireUnchanged(visit.Count == Count);
        }

        public void Release()
        {
        }

        private void RequireUnchanged(bool unchanged)
        {
            if (!unchanged)
            {
                throw new IOException($"'{_file.Path}' changed while it was being read for training: it is read once for its rows and again for the scaler and the samples, and it no longer holds the same rows. Train again once nothing is writing it.");
            }
        }
    }
}
