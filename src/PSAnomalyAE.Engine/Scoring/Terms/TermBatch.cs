namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// A batch of samples as score terms see it: each sample is the network's input for one scored row (a window of
/// <see cref="Window"/> rows, scaled and, when the model has one, projected by its PCA basis), with the network's
/// reconstruction errors already measured.
/// </summary>
public sealed class TermBatch
{
    public TermBatch(
        float[] samples, int count, int window, int width, Pca? pca, double[] reconstructionErrors, float[] squaredErrors,
        float[]? lastRows = null, int[]? peakSteps = null)
    {
        LastRows = lastRows ?? new float[squaredErrors.Length];
        PeakSteps = peakSteps;
        Samples = samples;
        Count = count;
        Window = window;
        Width = width;
        Pca = pca;
        ReconstructionErrors = reconstructionErrors;
        SquaredErrors = squaredErrors;
    }

    /// <summary>
    /// Values a term measured on this batch while it was fitted (the held-out rows of training), which
    /// <see cref="ScoreTerms.Measure"/> takes instead of measuring them again.
    /// </summary>
    internal Dictionary<IScoreTerm, double[]> Measured { get; } = new();

    /// <summary>The samples, row-major, <see cref="SampleSize"/> values each.</summary>
    public float[] Samples { get; }

    public int Count { get; }

    /// <summary>Rows per sample.</summary>
    public int Window { get; }

    /// <summary>The model's inputs per row (<see cref="FeatureEncoding.Width"/>), before any PCA.</summary>
    public int Width { get; }

    /// <summary>The PCA basis between the inputs and the network; null when the network sees the inputs.</summary>
    public Pca? Pca { get; }

    /// <summary>Values per row in the network's input space.</summary>
    public int NetWidth => Pca?.Count ?? Width;

    public int SampleSize => NetWidth * Window;

    /// <summary>Each sample's reconstruction error: the mean squared error over its scaled inputs.</summary>
    public double[] ReconstructionErrors { get; }

    /// <summary>Each sample's squared error per input (averaged over the window's rows), <see cref="Width"/> per sample.</summary>
    public float[] SquaredErrors { get; }

    /// <summary>The network's reconstruction of each sample's last row, in scaled inputs, <see cref="Width"/> per sample.</summary>
    public float[] LastRows { get; }

    /// <summary>
    /// For windows: per sample and input, the step of the window (0 for its first row) whose reconstruction was
    /// furthest off; null for samples of one row.
    /// </summary>
    public int[]? PeakSteps { get; }

    /// <summary>
    /// The cores a term may spread its work over: the machine's, unless the batch is one of several scored at once,
    /// each on one core (a file scan). A term's values are the same to the last bit on any number of cores.
    /// </summary>
    internal int Cores { get; set; } = Environment.ProcessorCount;

    /// <summary>What a term measured about this batch beyond its values (such as each sample's nearest neighbours), kept for explaining rows.</summary>
    internal Dictionary<IScoreTerm, object> Notes { get; } = new();

    /// <summary>
    /// Per-input squared differences in scaled units for one sample, from a difference in the network's input space
    /// (<see cref="SampleSize"/> values): mapped back through the PCA basis when there is one, averaged over the
    /// window's rows. Adds into <paramref name="target"/> (<see cref="Width"/> values).
    /// </summary>
    public void AddInputSquares(ReadOnlySpan<double> difference, Span<float> target)
    {
        int net = NetWidth;
        double[]? unprojected = Pca is null ? null : new double[Width];
        for (int t = 0; t < Window; t++)
        {
            ReadOnlySpan<double> step = difference.Slice(t * net, net);
            ReadOnlySpan<double> row = step;
            if (unprojected is not null)
            {
                Pca!.Unproject(step, unprojected);
                row = unprojected;
            }

            for (int j = 0; j < Width; j++)
            {
                target[j] += (float)(row[j] * row[j] / Window);
            }
        }
    }
}
