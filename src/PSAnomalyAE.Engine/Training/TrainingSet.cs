namespace PSAnomalyAE.Engine.Training;

/// <summary>
/// The training rows made ready for the network: split into training and validation rows, scaled with statistics
/// of the training rows only, projected by PCA when asked, and cut into samples (rows, or windows of rows).
/// </summary>
internal sealed class TrainingSet
{
    private TrainingSet()
    {
    }

    public required Scaler Scaler { get; init; }

    public Pca? Pca { get; init; }

    /// <summary>Every row, scaled (row-major, the encoding's width).</summary>
    public required float[] Scaled { get; init; }

    public required int Width { get; init; }

    /// <summary>Values per row the network reads (the PCA components, or the encoding's width).</summary>
    public required int NetWidth { get; init; }

    public required int TrainRows { get; init; }

    public required int ValidationRows { get; init; }

    /// <summary>The last row of each training sample (the row itself without windows).</summary>
    public required int[] TrainEnds { get; init; }

    /// <summary>The last row of each validation sample.</summary>
    public required int[] ValidationEnds { get; init; }

    /// <summary>Training samples, flattened, <see cref="SampleSize"/> values each.</summary>
    public required float[] TrainSamples { get; init; }

    public required float[] ValidationSamples { get; init; }

    public int SampleSize => NetWidth * Window;

    public required int Window { get; init; }

    /// <summary>
    /// Splits, scales and windows <paramref name="rows"/> rows of <paramref name="data"/>. Without windows the
    /// validation rows are a random share; with windows, consecutive rows form the samples, so the split keeps time
    /// order and the last rows validate.
    /// </summary>
    /// <remarks>
    /// Continued training passes the trained model's <paramref name="fixedScaler"/> and <paramref name="fixedPca"/>,
    /// so the network keeps seeing its inputs on the scale it learned them.
    /// </remarks>
    public static TrainingSet Prepare(ModelSpec spec, FeatureEncoding encoding, double[] data, int rows, Random rng, Scaler? fixedScaler = null, Pca? fixedPca = null)
    {
        int width = encoding.Width;
        int window = spec.WindowSize;
        if (spec.ImageShape is { } shape && shape[0] * shape[1] != width)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"ImageShape {shape[0]} x {shape[1]} holds {shape[0] * shape[1]} values, but the rows have {width} features.");
        }

        if (spec.ReadsSequence && window < 2)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"The {spec.Kind} architecture reads windows of consecutive rows; give -WindowSize 2 or more.");
        }

        if (rows < window)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, $"A window of {window} rows needs at least {window} training rows; {rows} were given.");
        }

        int valCount = Math.Min((int)Math.Floor(rows * spec.ValidationFraction), rows - window);
        int[] trainIdx, valIdx;
        if (window > 1)
        {
            trainIdx = Enumerable.Range(0, rows - valCount).ToArray();
            valIdx = Enumerable.Range(rows - valCount, valCount).ToArray();
        }
        else
        {
            int[] order = Enumerable.Range(0, rows).ToArray();
            rng.Shuffle(order);
            valIdx = order[..valCount];
            trainIdx = order[valCount..];
            Array.Sort(valIdx);
            Array.Sort(trainIdx);
        }

        bool[] indicators = encoding.ColumnOf.Select(c => encoding.Categories[c] is not null).ToArray();
        Scaler scaler = fixedScaler ?? Scaler.Fit(spec.Scaling, data, trainIdx.Length, width, indicators, trainIdx);
        var scaled = new float[data.Length];
        scaler.Transform(data, scaled);

        Pca? pca = null;
        int netWidth = width;
        float[] netRows = scaled;
        if (fixedPca is not null)
        {
            pca = fixedPca;
            netRows = pca.Project(scaled, rows);
            netWidth = pca.Count;
        }
        else if (spec.PcaComponents is { } components)
        {
            pca = Pca.Fit(Gather(scaled, trainIdx, width), trainIdx.Length, width, components);
            netRows = pca.Project(scaled, rows);
            netWidth = pca.Count;
        }

        int[] trainEnds = window > 1 ? Windows.TrainingEnds(trainIdx.Length, window, spec.Stride) : trainIdx;
        int[] valEnds = Windows.EndsAmong(valIdx, window);
        return new TrainingSet
        {
            Scaler = scaler,
            Pca = pca,
            Scaled = scaled,
            Width = width,
            NetWidth = netWidth,
            Window = window,
            TrainRows = trainIdx.Length,
            ValidationRows = valIdx.Length,
            TrainEnds = trainEnds,
            ValidationEnds = valEnds,
            TrainSamples = Windows.Gather(netRows, netWidth, window, trainEnds),
            ValidationSamples = Windows.Gather(netRows, netWidth, window, valEnds),
        };
    }

    private static T[] Gather<T>(T[] data, int[] idx, int width)
    {
        var result = new T[idx.Length * width];
        for (int i = 0; i < idx.Length; i++)
        {
            Array.Copy(data, idx[i] * width, result, i * width, width);
        }

        return result;
    }
}
