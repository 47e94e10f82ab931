namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// Judges each score against the stream's own history of scores, as HTM's anomaly likelihood does: the mean of the
/// last few scores (on a log scale, so the judgement does not depend on the score's units) is set against a normal
/// distribution fitted to a longer history of such means and re-fitted every so often; the likelihood is how
/// unusually high the recent mean is (1 minus its upper tail probability). A second likelihood past 0.99999 right
/// after one is lowered to 0.999, so one event gives one alarm. The score given out is the likelihood on a 0-1 log
/// scale (0.5 at 0.99999, 1 at 0.9999999999). Feed it one stream's scores in order.
/// </summary>
internal sealed class ScoreLikelihood
{
    private const double RedLikelihood = 0.99999;
    private const double YellowLikelihood = 0.999;

    // Lower bound of the fitted variance on the log scale: scores that barely vary (a flat metric) would otherwise make
    // every small wobble look impossible.
    private const double VarianceFloor = 0.0003;

    private readonly StreamAdaptation _settings;
    private readonly double _floor;
    private readonly Queue<double> _recent = new();
    private readonly Queue<double> _history = new();
    private long _count;
    private double? _mean;
    private double _deviation;
    private double _previous;

    /// <param name="settings">The stream's settings.</param>
    /// <param name="floor">The smallest score told apart from 0 (scores below count as this), so the log scale stays finite.</param>
    public ScoreLikelihood(StreamAdaptation settings, double floor)
    {
        _settings = settings;
        _floor = floor;
    }

    /// <summary>The likelihood judgement of the next score, and its value on the 0-1 log scale.</summary>
    public (double Likelihood, double Score) Next(double score)
    {
        double value = Math.Log(Math.Max(score, _floor));
        _recent.Enqueue(value);
        if (_recent.Count > _settings.AveragingWindow)
        {
            _recent.Dequeue();
        }

        // Summed afresh each row (a few values), so a stream continued from a saved state adds exactly the same numbers.
        double sum = 0;
        foreach (double v in _recent)
        {
            sum += v;
        }

        double average = sum / _recent.Count;
        _history.Enqueue(average);
        if (_history.Count > _settings.HistoryRows)
        {
            _history.Dequeue();
        }

        _count++;
        double likelihood = 0.5;
        if (_count > _settings.WarmUpRows)
        {
            if (_mean is null || _count % _settings.ReestimateEvery == 0)
            {
                Estimate();
            }

            likelihood = 1 - UpperTail(average);
        }

        double given = _previous > RedLikelihood && likelihood > RedLikelihood ? YellowLikelihood : likelihood;
        _previous = likelihood;
        return (given, LogScale(given));
    }

    /// <summary>A likelihood on the 0-1 log scale scores are given in.</summary>
    public static double LogScale(double likelihood) => Math.Log(1.0000000001 - likelihood) / Math.Log(1.0 - 0.9999999999);

    private void Estimate()
    {
        // While the history still holds the stream's first rows, the first half of the warm-up is left out: those
        // scores come before the stream settles.
        int skip = _count <= _settings.HistoryRows ? Math.Min(_settings.WarmUpRows / 2, _history.Count - 1) : 0;
        double sum = 0, squares = 0;
        int n = 0;
        foreach (double v in _history.Skip(skip))
        {
            sum += v;
            n++;
        }

        double mean = sum / n;
        foreach (double v in _history.Skip(skip))
        {
            squares += (v - mean) * (v - mean);
        }

        _mean = mean;
        _deviation = Math.Sqrt(Math.Max(squares / n, VarianceFloor));
    }

    private double UpperTail(double x) => 0.5 * Erfc((x - _mean!.Value) / (_deviation * Math.Sqrt(2)));

    /// <summary>The complementary error function (W. J. Cody's rational approximations, as Numerical Recipes' erfcc: relative error below 1.2e-7).</summary>
    internal static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double poly = 0;
        for (int i = s_erfc.Length - 1; i >= 0; i--)
        {
            poly = (poly * t) + s_erfc[i];
        }

        double r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }

    private static readonly double[] s_erfc =
    {
        -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
    };

    public LikelihoodState Save() => new()
    {
        Recent = _recent.ToArray(),
        History = _history.ToArray(),
        Count = _count,
        Mean = _mean,
        Deviation = _deviation,
        Previous = _previous,
    };

    public void Restore(LikelihoodState state)
    {
        if (state.Recent.Length > _settings.AveragingWindow || state.History.Length > _settings.HistoryRows || state.Count < state.History.Length
            || state.Recent.Concat(state.History).Append(state.Deviation).Append(state.Previous).Append(state.Mean ?? 0).Any(v => !double.IsFinite(v))
            || (state.Mean is not null && !(state.Deviation > 0)))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "The saved likelihood history is not one these settings make.");
        }

        foreach (double v in state.Recent)
        {
            _recent.Enqueue(v);
        }

        foreach (double v in state.History)
        {
            _history.Enqueue(v);
        }

        _count = state.Count;
        _mean = state.Mean;
        _deviation = state.Deviation;
        _previous = state.Previous;
    }
}

/// <summary>What a <see cref="ScoreLikelihood"/> needs to go on in a later run.</summary>
public sealed record LikelihoodState
{
    public double[] Recent { get; init; } = Array.Empty<double>();

    public double[] History { get; init; } = Array.Empty<double>();

    public long Count { get; init; }

    public double? Mean { get; init; }

    public double Deviation { get; init; }

    public double Previous { get; init; }
}
