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

    /// <summary>
    /// Every row, scaled (row-major, the encoding's width), for windows and PCA; null when each sample is one row
    /// without PCA, whose samples are made straight from the rows and are all there is.
    /// </summary>
    public required float[]? Scaled { get; init; }

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

    /// <summary>Per input, the mean over every row (training and validation).</summary>
    public required double[] Means { get; init; }

    /// <summary>Per input, the range over every row.</summary>
    public required FeatureRanges Ranges { get; init; }

    /// <summary>Rows given (training and validation).</summary>
    public int Rows => TrainRows + ValidationRows;

    /// <summary>
    /// Splits, scales and windows <paramref name="rows"/>. Without windows the validation rows are a random share;
    /// with windows, consecutive rows form the samples, so the split keeps time order and the last rows validate.
    /// </summary>
    /// <remarks>
    /// Continued training passes the trained model's <paramref name="fixedScaler"/> and <paramref name="fixedPca"/>,
    /// so the network keeps seeing its inputs on the scale it learned them.
    /// </remarks>
    public static TrainingSet Prepare(ModelSpec spec, FeatureEncoding encoding, ITrainingRows rows, Random rng, Scaler? fixedScaler = null, Pca? fixedPca = null)
    {
        int width = encoding.Width;
        int window = spec.WindowSize;
        Check(spec, width, rows.Count);
        (int[] trainIdx, int[] valIdx) = Split(spec, rows.Count, rng);
        bool[] indicators = encoding.ColumnOf.Select(c => encoding.Categories[c] is not null).ToArray();
        ScalerFit? fit = fixedScaler is null ? new ScalerFit(spec.Scaling, width) : null;
        (double[] means, FeatureRanges ranges) = Statistics(fit, rows, trainIdx);
        Scaler scaler = fixedScaler ?? fit!.Finish(indicators);
        float[]? scaled = null;
        Pca? pca = null;
        int netWidth = width;
        int[] trainEnds = trainIdx, valEnds = valIdx;
        float[] trainSamples, validationSamples;
        if (window == 1 && fixedPca is null && spec.PcaComponents is null)
        {
            // Each sample is one row: scaled straight into the samples, with no scaled copy of every row beside them.
            (trainSamples, validationSamples) = Scale(rows, scaler, trainIdx, valIdx);
            rows.Release();
        }
        else
        {
            scaled = new float[checked(rows.Count * width)];
            rows.ForEachRow((i, row) => scaler.Transform(row, scaled.AsSpan(i * width, width)));
            rows.Release();
            float[] netRows = scaled;
            if (fixedPca is not null)
            {
                pca = fixedPca;
            }
            else if (spec.PcaComponents is { } components)
            {
                pca = Pca.Fit(Gather(scaled, trainIdx, width), trainIdx.Length, width, components);
            }

            if (pca is not null)
            {
                netRows = pca.Project(scaled, scaled.Length / width);
                netWidth = pca.Count;
            }

            trainEnds = window > 1 ? Windows.TrainingEnds(trainIdx.Length, window, spec.Stride) : trainIdx;
            valEnds = Windows.EndsAmong(valIdx, window);
            trainSamples = Windows.Gather(netRows, netWidth, window, trainEnds);
            validationSamples = Windows.Gather(netRows, netWidth, window, valEnds);
        }

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
            TrainSamples = trainSamples,
            ValidationSamples = validationSamples,
            Means = means,
            Ranges = ranges,
        };
    }

    /// <summary>The scaled validation rows and the index of each among them, for the held-out pass: with samples made straight from the rows, the validation samples themselves.</summary>
    public (float[] Rows, int[] Ends) HeldOutRows() => Scaled is null
        ? (ValidationSamples, Enumerable.Range(0, ValidationEnds.Length).ToArray())
        : (Scaled, ValidationEnds);

    private static void Check(ModelSpec spec, int width, int rows)
    {
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
    }

    /// <summary>The training and validation rows, each in ascending order: a random share validates, or the last rows with windows.</summary>
    private static (int[] Train, int[] Validation) Split(ModelSpec spec, int rows, Random rng)
    {
        int window = spec.WindowSize;
        int valCount = Math.Min((int)Math.Floor(rows * spec.ValidationFraction), rows - window);
        if (window > 1)
        {
            return (Enumerable.Range(0, rows - valCount).ToArray(), Enumerable.Range(rows - valCount, valCount).ToArray());
        }

        int[] order = Enumerable.Range(0, rows).ToArray();
        rng.Shuffle(order);
        int[] valIdx = order[..valCount];
        int[] trainIdx = order[valCount..];
        Array.Sort(valIdx);
        Array.Sort(trainIdx);
        return (trainIdx, valIdx);
    }

    /// <summary>
    /// One pass over the rows: <paramref name="fit"/> (when given) takes the training rows <paramref name="trainIdx"/>
    /// (ascending), and the mean and range of each input are taken over every row, as the rows held together give them.
    /// </summary>
    private static (double[] Means, FeatureRanges Ranges) Statistics(ScalerFit? fit, ITrainingRows rows, int[] trainIdx)
    {
        var columns = new ColumnStatistics(rows.Width, ranges: true);
        int next = 0;
        rows.ForEachRow((i, row) =>
        {
            if (next < trainIdx.Length && trainIdx[next] == i)
            {
                fit?.Add(row);
                next++;
            }

            columns.Add(row);
        });
        return (columns.Means, columns.Ranges);
    }

    /// <summary>The training rows <paramref name="trainIdx"/> and the validation rows <paramref name="valIdx"/> (both ascending), scaled, in one pass.</summary>
    private static (float[] Train, float[] Validation) Scale(ITrainingRows rows, Scaler scaler, int[] trainIdx, int[] valIdx)
    {
        int width = rows.Width;
        var train = new float[checked(trainIdx.Length * width)];
        var validation = new float[checked(valIdx.Length * width)];
        int t = 0, v = 0;
        rows.ForEachRow((i, row) =>
        {
            if (t < trainIdx.Length && trainIdx[t] == i)
            {
                scaler.Transform(row, train.AsSpan(t++ * width, width));
            }
            else if (v < valIdx.Length && valIdx[v] == i)
            {
                scaler.Transform(row, validation.AsSpan(v++ * width, width));
            }
        });
        return (train, validation);
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
