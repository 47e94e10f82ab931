namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// A stream of rows that adapts as it is scored (<see cref="Adaptation"/>): each batch's scores are judged against the
/// stream's own history of scores (<see cref="ScoreLikelihood"/>), a value beyond the range seen so far gets the top
/// score (<see cref="RangeWatch"/>), and a copy of the model keeps learning from the rows judged normal
/// (<see cref="StreamLearner"/>). Rows must come in order, one batch after another; a batch must not hold more rows than
/// <see cref="MaxBatchRows"/>, so each learning step comes exactly after the row that makes it due, whatever the
/// batches are. Its state (<see cref="Save"/>) lets a later run go on exactly where this one stopped.
/// </summary>
public sealed class AdaptiveStream : IDisposable
{
    /// <summary>The name of the likelihood's column in scored rows.</summary>
    public const string LikelihoodName = "Likelihood";

    private readonly ScoreLikelihood? _likelihood;
    private readonly RangeWatch? _range;
    private readonly StreamLearner? _learner;

    /// <param name="model">The trained model the stream starts from (never changed).</param>
    /// <param name="settings">What adapts, and how.</param>
    /// <param name="threshold">The threshold of the stream's scores: rows above it are not learned from.</param>
    /// <param name="state">The state a previous run of this stream saved; null for a new stream.</param>
    public AdaptiveStream(AnomalyModel model, StreamAdaptation settings, double threshold, AdaptationState? state = null)
    {
        settings.Validate();
        if (!model.IsTrained)
        {
            throw AnomalyModel.NotTrained();
        }

        if (state is not null && state.Settings != settings)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"The stream's state was saved with other adaptation settings ({state.Settings.Mode}, warm-up {state.Settings.WarmUpRows} rows, learning every {state.Settings.LearnEvery} rows); a stream goes on with the settings it started with.")
            {
                RecommendedAction = "Pass the same settings as the runs before, or delete the state file to start a new stream.",
            };
        }

        Settings = settings;
        Threshold = threshold;
        if (settings.Has(Adaptation.Likelihood))
        {
            _likelihood = new ScoreLikelihood(settings, Floor(model));
            if (state?.Likelihood is { } saved)
            {
                _likelihood.Restore(saved);
            }
        }

        if (settings.Has(Adaptation.NewRange))
        {
            _range = new RangeWatch(model.Encoding!, model.Ranges, settings.RangeTolerance);
            if (state is { RangeMin: { } min, RangeMax: { } max })
            {
                _range.Restore(min, max);
            }
        }

        _learner = settings.Has(Adaptation.Learning) ? new StreamLearner(model, settings, state?.Learner) : null;
        Model = _learner?.Model ?? model;
    }

    public StreamAdaptation Settings { get; }

    /// <summary>The threshold the stream's scores are judged by.</summary>
    public double Threshold { get; }

    /// <summary>The model that scores the stream's rows: the learning copy when the stream learns.</summary>
    public AnomalyModel Model { get; }

    /// <summary>The most rows the next batch may hold.</summary>
    public int MaxBatchRows => _learner?.RowsBeforeStep ?? int.MaxValue;

    /// <summary>
    /// Judges a batch the stream's model scored, in row order: with the likelihood, each row's score becomes its
    /// likelihood score and the batch gets a <see cref="LikelihoodName"/> column; then the rows judged normal teach the
    /// learning copy.
    /// </summary>
    public void Judge(ScoreResult result)
    {
        var likelihood = _likelihood is null ? null : new double[result.Rows];
        for (int r = 0; r < result.Rows; r++)
        {
            ReadOnlySpan<double> row = result.Values.AsSpan(r * result.Width, result.Width);
            bool scored = result.HasScore(r) && result.NonFiniteScore(r) is null;
            bool beyond = _range?.Next(row) == true;
            if (likelihood is not null)
            {
                likelihood[r] = double.NaN;
                if (scored)
                {
                    (double l, double score) = _likelihood!.Next(result.Scores[r]);
                    likelihood[r] = l;
                    result.Scores[r] = beyond ? 1.0 : score;
                }
            }

            _learner?.Add(row, scored && result.Scores[r] <= Threshold);
        }

        if (likelihood is not null)
        {
            result.AddTerm(new TermValues(LikelihoodName, likelihood));
        }
    }

    /// <summary>What a later run needs to go on with this stream.</summary>
    public AdaptationState Save()
    {
        var range = _range?.Save();
        return new AdaptationState
        {
            Settings = Settings,
            Likelihood = _likelihood?.Save(),
            RangeMin = range?.Min,
            RangeMax = range?.Max,
            Learner = _learner?.Save(),
        };
    }

    /// <summary>
    /// The model a stream has learned to: a copy of <paramref name="model"/> with the weights <paramref name="state"/>
    /// holds (a copy of the model itself when the stream did not learn). It scores and saves like any model.
    /// </summary>
    public static AnomalyModel Adapted(AnomalyModel model, AdaptationState state) =>
        model.Copy(state.Learner?.Weights);

    // The smallest score the likelihood tells apart from 0: a millionth of the median score of the held-out normal rows.
    private static double Floor(AnomalyModel model)
    {
        double[] normal = model.ValidationErrors;
        double median = normal.Length == 0 ? 0 : normal[normal.Length / 2];
        return median > 0 ? median * 1e-6 : 1e-12;
    }

    public void Dispose() => _learner?.Dispose();
}

/// <summary>What an <see cref="AdaptiveStream"/> saves for a later run of the same stream.</summary>
public sealed record AdaptationState
{
    public StreamAdaptation Settings { get; init; } = new();

    public LikelihoodState? Likelihood { get; init; }

    public double[]? RangeMin { get; init; }

    public double[]? RangeMax { get; init; }

    public LearnerState? Learner { get; init; }
}
