using System.Text.Json;
using System.Text.Json.Serialization;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>How raw feature values become network inputs: scaled = (x - offset) / scale, per feature.</summary>
public sealed record PyTorchScaler(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("offset")] double[] Offset,
    [property: JsonPropertyName("scale")] double[] Scale);

/// <summary>
/// The JSON file that travels with a safetensors weights file between PSAnomalyAE and PyTorch
/// (format "PSAnomalyAE.PyTorch", version 1). It describes one plain <c>torch.nn.Sequential</c> of Linear layers and
/// activations, the features it reads in order, the scaler applied before it and the anomaly threshold.
/// </summary>
/// <remarks>
/// <para>The network: <c>layers</c> lists the widths the Linear layers map between, input first and output last, so
/// layers [6, 12, 3, 12, 6] are Linear(6,12), Linear(12,3), Linear(3,12), Linear(12,6). The list is symmetric and
/// has an odd length; its middle entry is the bottleneck. <c>activation</c> (a torch.nn class name: ReLU,
/// LeakyReLU (slope 0.01), Tanh, Sigmoid, ELU, GELU) follows every Linear layer except the one into the bottleneck
/// and the last one; <c>outputActivation</c> ("Sigmoid" or null) follows the last. The modules are numbered in that
/// order from 0, so the state_dict keys of [6, 12, 3, 12, 6] with ReLU are 0.weight, 0.bias, 2.*, 3.*, 5.*
/// (1 and 4 are the ReLUs).</para>
/// <para>Scoring: scaled = (x - scaler.offset) / scaler.scale per feature (z-score: offset = mean, scale = standard
/// deviation); a row's error is the mean over features of the squared difference between the scaled row and the
/// network's output; rows whose error is above <c>threshold</c> are anomalies.</para>
/// </remarks>
public sealed record PyTorchConfig
{
    public const string FormatName = "PSAnomalyAE.PyTorch";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 16,
    };

    /// <summary>Always "PSAnomalyAE.PyTorch".</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = FormatName;

    /// <summary>The schema version; readers refuse versions newer than they know.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>An optional name for the model.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The Linear layers' widths from input to output (symmetric, odd length, bottleneck in the middle).</summary>
    [JsonPropertyName("layers")]
    public int[] Layers { get; init; } = Array.Empty<int>();

    /// <summary>The torch.nn activation between Linear layers (not after the bottleneck's or the last one).</summary>
    [JsonPropertyName("activation")]
    public string Activation { get; init; } = "ReLU";

    /// <summary>"Sigmoid" after the last Linear layer, or null for a linear output.</summary>
    [JsonPropertyName("outputActivation")]
    public string? OutputActivation { get; init; }

    /// <summary>The input features, in the order the network reads them.</summary>
    [JsonPropertyName("features")]
    public string[] Features { get; init; } = Array.Empty<string>();

    /// <summary>The per-feature scaling applied before the network.</summary>
    [JsonPropertyName("scaler")]
    public PyTorchScaler? Scaler { get; init; }

    /// <summary>Rows with a reconstruction error above this are anomalies; null when none was chosen.</summary>
    [JsonPropertyName("threshold")]
    public double? Threshold { get; init; }

    /// <summary>Informational: what wrote the file.</summary>
    [JsonPropertyName("createdBy")]
    public string? CreatedBy { get; init; }

    /// <summary>The network's activation as the engine's enum.</summary>
    [JsonIgnore]
    public ActivationKind ActivationKind => Enum.GetNames<ActivationKind>().Contains(Activation, StringComparer.Ordinal)
        ? Enum.Parse<ActivationKind>(Activation)
        : throw Invalid($"activation '{Activation}' is not one of {string.Join(", ", Enum.GetNames<ActivationKind>())}.");

    /// <summary>The index of the bottleneck width in <see cref="Layers"/>.</summary>
    [JsonIgnore]
    public int BottleneckIndex => Layers.Length / 2;

    /// <summary>Reads and checks a config file.</summary>
    public static PyTorchConfig Load(string path)
    {
        byte[] json = RegularFile.ReadAll(path, 64L << 20, _ => Invalid($"'{path}' is larger than 64 MB."));
        return Parse(json, path);
    }

    /// <summary>Parses and checks config JSON; <paramref name="source"/> names it in errors.</summary>
    public static PyTorchConfig Parse(ReadOnlySpan<byte> json, string source)
    {
        PyTorchConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<PyTorchConfig>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw Invalid($"'{source}' cannot be read as a {FormatName} config ({ex.Message}).");
        }

        if (config is null)
        {
            throw Invalid($"'{source}' is empty.");
        }

        config.Validate(source);
        return config;
    }

    /// <summary>The config as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Writes the config to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, ToFileBytes(path));

    /// <summary>The bytes of the config file, after <see cref="Validate"/> (<paramref name="path"/> names it in errors).</summary>
    internal byte[] ToFileBytes(string path)
    {
        Validate(path);
        return JsonSerializer.SerializeToUtf8Bytes(this, s_json);
    }

    /// <summary>Throws <see cref="AnomalyDetectionException"/> (InvalidModelFile) naming the first problem found.</summary>
    public void Validate(string source = "config")
    {
        if (Format != FormatName)
        {
            throw Invalid($"'{source}' has format '{Format}'; expected '{FormatName}'.");
        }

        if (Version > CurrentVersion)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.NewerModelFile,
                $"'{source}' is {FormatName} version {Version}; this version of PSAnomalyAE reads versions up to {CurrentVersion}.")
            {
                RecommendedAction = "Update the PSAnomalyAE module to read this model.",
            };
        }

        if (Version < 1)
        {
            throw Invalid($"'{source}' has version {Version}; versions start at 1.");
        }

        int[] l = ValidateLayers(source);
        ValidateInputs(source, l[0]);
        if (Threshold is { } t && !(double.IsFinite(t) && t >= 0))
        {
            throw Invalid($"'{source}': threshold must be a finite number of 0 or more, or null.");
        }
    }

    /// <summary>The layer widths, checked: an odd count of 3 or more, each in range, the decoder mirroring the encoder.</summary>
    private int[] ValidateLayers(string source)
    {
        int[] l = Layers ?? Array.Empty<int>();
        if (l.Length < 3 || l.Length % 2 == 0)
        {
            throw Invalid($"'{source}': layers [{string.Join(", ", l)}] must list an odd number (3 or more) of widths, input first, bottleneck in the middle, output last.");
        }

        if (l.Any(w => w < 1 || w > ModelLimits.MaxUnits))
        {
            throw Invalid($"'{source}': every width in layers [{string.Join(", ", l)}] must be between 1 and {ModelLimits.MaxUnits}.");
        }

        for (int i = 0; i < l.Length / 2; i++)
        {
            if (l[i] != l[l.Length - 1 - i])
            {
                throw Invalid($"'{source}': layers [{string.Join(", ", l)}] are not symmetric ({l[i]} and {l[l.Length - 1 - i]}); PSAnomalyAE's dense network mirrors the encoder in the decoder.");
            }
        }

        if (new NetworkShape(l[0], l[1..(l.Length / 2)], l[l.Length / 2], false).Problem(new ModelSpec()) is { } size)
        {
            throw Invalid($"'{source}': layers [{string.Join(", ", l)}] describe a network too large to load: {size}");
        }

        _ = ActivationKind;
        if (OutputActivation is not (null or "Sigmoid"))
        {
            throw Invalid($"'{source}': outputActivation '{OutputActivation}' must be \"Sigmoid\" or null.");
        }

        return l;
    }

    /// <summary>Checks the features and the scaler against the network's <paramref name="inputs"/>.</summary>
    private void ValidateInputs(string source, int inputs)
    {
        string[] f = Features ?? Array.Empty<string>();
        if (f.Length != inputs)
        {
            throw Invalid($"'{source}' lists {f.Length} features but the network's input has {inputs}.");
        }

        if (f.Any(string.IsNullOrWhiteSpace) || f.Distinct(StringComparer.OrdinalIgnoreCase).Count() != f.Length)
        {
            throw Invalid($"'{source}': feature names must be non-empty and unique (ignoring case).");
        }

        if (Scaler is null || Scaler.Offset is null || Scaler.Scale is null)
        {
            throw Invalid($"'{source}' lacks a scaler with offset and scale.");
        }

        if (!Enum.GetNames<ScalingMethod>().Contains(Scaler.Method, StringComparer.Ordinal))
        {
            throw Invalid($"'{source}': scaler method '{Scaler.Method}' is not one of {string.Join(", ", Enum.GetNames<ScalingMethod>())}.");
        }

        if (Scaler.Offset.Length != f.Length || Scaler.Scale.Length != f.Length)
        {
            throw Invalid($"'{source}': the scaler has {Scaler.Offset.Length} offsets and {Scaler.Scale.Length} scales for {f.Length} features.");
        }

        if (Data.Scaler.Problem(Scaler.Offset, Scaler.Scale) is { } why)
        {
            throw Invalid($"'{source}': scaler scales must be positive and finite, offsets finite ({why})");
        }
    }

    /// <summary>The layer sizes of the engine's dense network this config describes.</summary>
    public NetworkShape ToShape()
    {
        int k = BottleneckIndex;
        return new NetworkShape(Layers[0], Layers[1..k], Layers[k], OutputActivation == "Sigmoid");
    }

    /// <summary>The engine's scaler this config describes.</summary>
    public Scaler ToScaler() => new(Enum.Parse<ScalingMethod>(Scaler!.Method), Scaler.Offset.ToArray(), Scaler.Scale.ToArray());

    /// <summary>The Linear widths of a dense architecture, input to output.</summary>
    public static int[] LayersOf(NetworkShape a) =>
        new[] { a.InputSize }.Concat(a.HiddenSize).Append(a.LatentSize).Concat(Enumerable.Reverse(a.HiddenSize)).Append(a.InputSize).ToArray();

    internal static AnomalyDetectionException Invalid(string message) => new(AnomalyErrorKind.InvalidModelFile, message)
    {
        RecommendedAction = "See Get-Help Import-AEModel -Full for the config.json schema.",
    };
}
