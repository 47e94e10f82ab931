namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Fits a <see cref="Scaler"/> to rows given one at a time, in order: the same statistics, to the last bit, as the
/// rows held together would give, so rows read from a file need not be held to be scaled.
/// </summary>
public sealed class ScalerFit
{
    private readonly ScalingMethod _method;
    private readonly double[] _a; // ZScore: the running mean; MinMax: the lowest value
    private readonly double[] _b; // ZScore: the running sum of squared deviations (Welford); MinMax: the highest value

    public ScalerFit(ScalingMethod method, int width)
    {
        _method = method;
        _a = new double[width];
        _b = new double[width];
        if (method == ScalingMethod.MinMax)
        {
            Array.Fill(_a, double.PositiveInfinity);
            Array.Fill(_b, double.NegativeInfinity);
        }
    }

    /// <summary>Rows added.</summary>
    public int Rows { get; private set; }

    /// <summary>Adds the next row.</summary>
    public void Add(ReadOnlySpan<double> row)
    {
        int width = _a.Length;
        switch (_method)
        {
            case ScalingMethod.ZScore:
                for (int j = 0; j < width; j++)
                {
                    // Welford's update: stable for large values with small spread.
                    double x = row[j];
                    double delta = x - _a[j];
                    _a[j] += delta / (Rows + 1);
                    _b[j] += delta * (x - _a[j]);
                }

                break;

            case ScalingMethod.MinMax:
                for (int j = 0; j < width; j++)
                {
                    _a[j] = Math.Min(_a[j], row[j]);
                    _b[j] = Math.Max(_b[j], row[j]);
                }

                break;
        }

        Rows++;
    }

    /// <summary>
    /// The scaler of the rows added. A constant column gets scale 1; columns marked in <paramref name="unscaled"/>
    /// (category indicators, already 0 or 1) are left as they are.
    /// </summary>
    public Scaler Finish(IReadOnlyList<bool>? unscaled = null)
    {
        if (Rows < 1)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "A scaler needs at least one row.");
        }

        int width = _a.Length;
        var offset = new double[width];
        var scale = new double[width];
        for (int j = 0; j < width; j++)
        {
            (offset[j], scale[j]) = _method switch
            {
                ScalingMethod.ZScore => (_a[j], Usable(Math.Sqrt(_b[j] / Rows), _a[j])),
                ScalingMethod.MinMax => (_a[j], Usable(_b[j] - _a[j], _a[j])),
                _ => (0, 1),
            };
            if (unscaled is not null && unscaled[j])
            {
                (offset[j], scale[j]) = (0, 1);
            }
        }

        return new Scaler(_method, offset, scale);
    }

    private static double Usable(double spread, double level) => Scaler.IsUsable(spread, level) ? spread : 1;
}
