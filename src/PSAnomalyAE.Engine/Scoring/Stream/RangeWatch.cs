namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// The lowest and highest value of each numeric input the stream has seen, starting from the model's training range:
/// a row with a value beyond that range by more than a share of it (the tolerance) is new ground. Every row widens the
/// range, flagged or not, so a new level is news once. Category inputs are not watched.
/// </summary>
internal sealed class RangeWatch
{
    private readonly double _tolerance;
    private readonly bool[] _watched;
    private readonly double[] _min;
    private readonly double[] _max;

    public RangeWatch(FeatureEncoding encoding, FeatureRanges? start, double tolerance)
    {
        _tolerance = tolerance;
        int width = encoding.Width;
        _watched = Enumerable.Range(0, width).Select(j => encoding.Categories[encoding.ColumnOf[j]] is null).ToArray();
        _min = start?.Min.ToArray() ?? Enumerable.Repeat(double.PositiveInfinity, width).ToArray();
        _max = start?.Max.ToArray() ?? Enumerable.Repeat(double.NegativeInfinity, width).ToArray();
    }

    /// <summary>True when a value of <paramref name="row"/> lies beyond the range seen so far; the range then takes the row in.</summary>
    public bool Next(ReadOnlySpan<double> row)
    {
        bool beyond = false;
        for (int j = 0; j < row.Length; j++)
        {
            double v = row[j];
            if (!_watched[j] || !double.IsFinite(v))
            {
                continue;
            }

            if (_min[j] < _max[j])
            {
                double margin = (_max[j] - _min[j]) * _tolerance;
                beyond |= v > _max[j] + margin || v < _min[j] - margin;
            }

            _min[j] = Math.Min(_min[j], v);
            _max[j] = Math.Max(_max[j], v);
        }

        return beyond;
    }

    public (double[] Min, double[] Max) Save() => (_min.ToArray(), _max.ToArray());

    public void Restore(double[] min, double[] max)
    {
        if (min.Length != _min.Length || max.Length != _max.Length || min.Concat(max).Any(double.IsNaN))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The saved ranges do not match the model's inputs.");
        }

        min.CopyTo(_min, 0);
        max.CopyTo(_max, 0);
    }
}
