using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PSAnomalyAE.Engine.Persistence;

namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// What a scoring stream needs to go on in a later run (a scheduled job that scores new rows every few minutes):
/// the window context of a <see cref="StreamingScorer"/> (the last WindowSize - 1 rows) and the run of rows past
/// the threshold of a <see cref="Detector"/>. It is bound to one model by a fingerprint of the model's features,
/// windows and weights, and refuses to continue another model's stream. Saved as a small JSON file, atomically.
/// </summary>
public sealed class ScoringState
{
    /// <summary>The format this version writes and reads.</summary>
    public const int CurrentFormat = 2;

    // Format 1 has no adaptation; it is still written for a stream that does not adapt, so older versions read it.
    private const int FormatWithoutAdaptation = 1;

    private const string FormatName = "PSAnomalyAE.ScoringState";

    // The largest state file read: a window's context of rows, far below this, plus a few counters.
    private const long MaxFileBytes = 256L << 20;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Format { get; init; } = FormatName;

    public int FormatVersion { get; init; } = CurrentFormat;

    /// <summary>The fingerprint of the model whose stream this is (see <see cref="FingerprintOf"/>).</summary>
    public string ModelFingerprint { get; init; } = "";

    public int WindowSize { get; init; }

    /// <summary>The network's inputs, for the message when the state belongs to another model.</summary>
    public string[] Features { get; init; } = Array.Empty<string>();

    /// <summary>The last rows read, encoded as the network reads them, oldest first (at most WindowSize - 1).</summary>
    public double[][] Context { get; init; } = Array.Empty<double[]>();

    /// <summary>Consecutive rows past the threshold at the end of the stream so far.</summary>
    public int Run { get; init; }

    /// <summary>Rows scored by every run of this stream so far.</summary>
    public long RowsScored { get; init; }

    public DateTime SavedAtUtc { get; init; }

    /// <summary>What an adapting stream has learned (its likelihood history, ranges and learning copy); null when the stream does not adapt.</summary>
    public AdaptationState? Adaptation { get; init; }

    /// <summary>
    /// A fingerprint of what makes a model's scores: its kind, window size, encoded feature names, scaler and
    /// weights (SHA-256, hex). Saving and loading the model keeps it; retraining changes it.
    /// </summary>
    public static string FingerprintOf(AnomalyModel model)
    {
        if (!model.IsTrained)
        {
            throw AnomalyModel.NotTrained();
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(s));
            hash.AppendData(stackalloc byte[] { 0 });
        }

        Text(model.Spec.Kind.ToString());
        Text(model.WindowSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string name in model.Encoding!.Names)
        {
            Text(name);
        }

        foreach (WeightTensor w in model.ExportWeights())
        {
            Text(w.Name);
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.Shape.AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.Data.AsSpan()));
        }

        Text(JsonSerializer.Serialize(model.Scaler));
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>The state of a stream after its last batch was scored (nothing pending).</summary>
    public static ScoringState Capture(AnomalyModel model, StreamingScorer scorer, Detector? detector, ScoringState? previous, string? fingerprint = null) => new()
    {
        FormatVersion = scorer.Adaptive is null ? FormatWithoutAdaptation : CurrentFormat,
        Adaptation = scorer.Adaptive?.Save(),
        ModelFingerprint = fingerprint ?? FingerprintOf(model),
        WindowSize = model.WindowSize,
        Features = model.Encoding!.Names.ToArray(),
        Context = scorer.ExportContext(),
        Run = detector?.Run ?? previous?.Run ?? 0,
        RowsScored = (previous?.RowsScored ?? 0) + scorer.Scored,
        SavedAtUtc = DateTime.UtcNow,
    };

    /// <summary>Throws unless this state was saved for <paramref name="model"/> (whose fingerprint is <paramref name="fingerprint"/>).</summary>
    public void RequireModel(AnomalyModel model, string fingerprint)
    {
        if (!string.Equals(ModelFingerprint, fingerprint, StringComparison.Ordinal))
        {
            string features = Features.SequenceEqual(model.Encoding!.Names)
                ? "the same features, but other weights (it was retrained, or is another model)"
                : $"features {string.Join(", ", Features)}";
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"The scoring state belongs to another model ({features}; window {WindowSize}), not to this one. A stream's state can only be continued by the model that started it.")
            {
                RecommendedAction = "Delete the state file to start a new stream with this model, or pass another -StatePath.",
            };
        }
    }

    /// <summary>Continues the saved stream: the scorer gets the window context and the detector the run.</summary>
    public void ApplyTo(AnomalyModel model, string fingerprint, StreamingScorer scorer, Detector? detector)
    {
        RequireModel(model, fingerprint);
        if ((Adaptation is null) != (scorer.Adaptive is null))
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                Adaptation is null
                    ? "The scoring state is of a stream that does not adapt; it cannot go on as one that does."
                    : $"The scoring state is of a stream that adapts ({Adaptation.Settings.Mode}); it must go on adapting the same way.")
            {
                RecommendedAction = "Pass the same adaptation settings as the runs before, or delete the state file to start a new stream.",
            };
        }

        scorer.ImportContext(Context);
        detector?.ContinueRun(Run);
    }

    /// <summary>Reads a state file; null when it does not exist (a new stream).</summary>
    public static ScoringState? Load(string path)
    {
        if (RegularFile.KindOf(path) == RegularFile.Kind.Missing)
        {
            return null;
        }

        ScoringState? state;
        try
        {
            state = JsonSerializer.Deserialize<ScoringState>(RegularFile.ReadAll(path, MaxFileBytes, length => Damaged(path, $"it is {length} bytes long, more than a scoring state holds")), s_json);
        }
        catch (JsonException ex)
        {
            throw Damaged(path, ex.Message);
        }

        if (state is null || state.Format != FormatName)
        {
            throw Damaged(path, "it is not a PSAnomalyAE scoring state");
        }

        if (state.FormatVersion > CurrentFormat)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                $"The scoring state '{path}' was written by a newer version of PSAnomalyAE (format {state.FormatVersion}).");
        }

        if (state.Context is null || state.Context.Any(r => r is null) || state.Run < 0 || state.Features is null)
        {
            throw Damaged(path, "its window context or run count is invalid");
        }

        if (state.Context.SelectMany(r => r).Where(v => !Readable(v)).Select(v => (double?)v).FirstOrDefault() is { } bad)
        {
            throw Damaged(path, string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"its window context holds {bad:G6}, which is not a finite number the model's network can read (at most about {float.MaxValue:G3} in size), so the rows after it could not get finite scores"));
        }

        return state;
    }

    // The network reads 32-bit numbers: a value beyond their range becomes infinite before the model sees it.
    private static bool Readable(double value) => double.IsFinite(value) && Math.Abs(value) <= float.MaxValue;

    /// <summary>Writes the state to <paramref name="path"/> atomically (a temporary file renamed over it).</summary>
    public void Save(string path) => AtomicFile.Write(path, file => JsonSerializer.Serialize(file, this, s_json));

    private static AnomalyDetectionException Damaged(string path, string why) => new(
        AnomalyErrorKind.InvalidArgument, $"The scoring state '{path}' cannot be read: {why}.")
    {
        RecommendedAction = "Delete it to start a new stream.",
    };
}
