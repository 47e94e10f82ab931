using PSAnomalyAE.Engine.Training;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Keeps a copy of a model learning from the stream it scores: the rows judged normal go into a buffer of recent rows,
/// and after every <see cref="StreamAdaptation.LearnEvery"/> of them one Adam step trains the copy on samples drawn
/// from the buffer (a window per sample for a model that reads windows, ending at a normal row). Rows judged
/// anomalous stay in the buffer only as the context of later windows; no sample ends at one. The draws come from the
/// model's seed and the step's number, so a stream learns the same in one run or in many.
/// </summary>
internal sealed class StreamLearner : IDisposable
{
    private readonly StreamAdaptation _settings;
    private readonly int _width;
    private readonly int _window;
    private readonly int _capacity;
    private readonly int _seed;
    private readonly List<double[]> _rows = new();
    private readonly List<bool> _normal = new();
    private readonly FlatAdam _optimizer;
    private int _since;

    public StreamLearner(AnomalyModel model, StreamAdaptation settings, LearnerState? state)
    {
        _settings = settings;
        _width = model.Encoding!.Width;
        _window = model.WindowSize;
        _capacity = settings.BufferSamples + _window - 1;
        _seed = model.Training?.Seed ?? model.Spec.Seed ?? 0;
        Model = model.Copy(state?.Weights);
        try
        {
            _optimizer = Model.CreateOptimizer(settings.LearningRate ?? model.Spec.LearningRate);
            if (state is not null)
            {
                Restore(state);
            }
        }
        catch
        {
            Model.Dispose();
            throw;
        }
    }

    /// <summary>The learning copy: it scores the stream's rows.</summary>
    public AnomalyModel Model { get; }

    /// <summary>Rows that can be judged before the next learning step is due: a batch must not go past it.</summary>
    public int RowsBeforeStep => _settings.LearnEvery - _since;

    /// <summary>Adds a row (encoded, in the columns' units) with its verdict.</summary>
    public void Add(ReadOnlySpan<double> row, bool normal)
    {
        _rows.Add(row.ToArray());
        _normal.Add(normal);
        if (_rows.Count > _capacity)
        {
            _rows.RemoveAt(0);
            _normal.RemoveAt(0);
        }

        if (normal && ++_since >= _settings.LearnEvery)
        {
            _since = 0;
            Step();
        }
    }

    private void Step()
    {
        int[] ends = Enumerable.Range(_window - 1, Math.Max(0, _rows.Count - _window + 1)).Where(i => _normal[i]).ToArray();
        if (ends.Length < Math.Min(_settings.LearnBatch, _settings.BufferSamples))
        {
            return;
        }

        long step = _optimizer.StepCount + 1;
        var random = new Random(unchecked((_seed * 1_000_003) + (int)step));
        var chosen = new int[_settings.LearnBatch];
        for (int s = 0; s < chosen.Length; s++)
        {
            chosen[s] = ends[random.Next(ends.Length)];
        }

        // The buffer's rows as the network reads them, then the chosen windows, as scoring makes them.
        double[] raw = _rows.SelectMany(r => r).ToArray();
        var scaled = new float[raw.Length];
        Model.Scaler!.Transform(raw, scaled);
        float[] netRows = Model.Pca?.Project(scaled, _rows.Count) ?? scaled;
        float[] samples = Windows.Gather(netRows, Model.Pca?.Count ?? _width, _window, chosen);
        Model.LearnStep(samples, chosen.Length, _optimizer, unchecked(_seed + (int)step));
    }

    public LearnerState Save()
    {
        var (first, second, steps) = _optimizer.ExportMoments();
        return new LearnerState
        {
            Weights = Model.ExportWeights().ToArray(),
            First = first,
            Second = second,
            Steps = steps,
            Rows = _rows.Select(r => r.ToArray()).ToArray(),
            Normal = _normal.ToArray(),
            Since = _since,
        };
    }

    private void Restore(LearnerState state)
    {
        if (state.Rows.Length != state.Normal.Length || state.Rows.Length > _capacity || state.Rows.Any(r => r is null || r.Length != _width)
            || state.Since < 0 || state.Since >= _settings.LearnEvery || state.Rows.SelectMany(r => r).Any(v => !double.IsFinite(v)))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The saved buffer of recent rows is not one this model and these settings make.");
        }

        _optimizer.ImportMoments(state.First, state.Second, state.Steps);
        _rows.AddRange(state.Rows.Select(r => r.ToArray()));
        _normal.AddRange(state.Normal);
        _since = state.Since;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        Model.Dispose();
    }
}

/// <summary>What a <see cref="StreamLearner"/> needs to go on in a later run: the learned weights, the optimizer's moments and the buffer.</summary>
public sealed record LearnerState
{
    public WeightTensor[] Weights { get; init; } = Array.Empty<WeightTensor>();

    public float[] First { get; init; } = Array.Empty<float>();

    public float[] Second { get; init; } = Array.Empty<float>();

    public long Steps { get; init; }

    public double[][] Rows { get; init; } = Array.Empty<double[]>();

    public bool[] Normal { get; init; } = Array.Empty<bool>();

    public int Since { get; init; }
}
