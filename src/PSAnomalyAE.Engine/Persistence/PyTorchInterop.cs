namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// Moves dense models between PSAnomalyAE and PyTorch: safetensors weights of one plain nn.Sequential plus a
/// <see cref="PyTorchConfig"/> JSON file. Nothing from either file is executed; both are validated before any
/// weight reaches a network.
/// </summary>
public static class PyTorchInterop
{
    /// <summary>
    /// The Python that rebuilds the network from config.json and model.safetensors (shown in Export-AEModel's help).
    /// Needs torch and the safetensors package (pip install safetensors).
    /// </summary>
    public const string PythonSnippet = """
        import json, torch
        from safetensors.torch import load_file

        cfg = json.load(open("config.json"))
        act = getattr(torch.nn, cfg["activation"])          # ReLU, LeakyReLU, Tanh, Sigmoid, ELU, GELU
        sizes = cfg["layers"]                                # e.g. [6, 12, 3, 12, 6]
        last, bottleneck = len(sizes) - 2, len(sizes) // 2 - 1
        modules = []
        for i in range(len(sizes) - 1):
            modules.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
            if i not in (bottleneck, last):                  # no activation after the bottleneck or the output
                modules.append(act())
        if cfg["outputActivation"] == "Sigmoid":
            modules.append(torch.nn.Sigmoid())
        model = torch.nn.Sequential(*modules)
        model.load_state_dict(load_file("model.safetensors"))   # strict: every key and shape must match
        model.eval()

        offset = torch.tensor(cfg["scaler"]["offset"], dtype=torch.float64)   # scale in float64, as PSAnomalyAE does
        scale = torch.tensor(cfg["scaler"]["scale"], dtype=torch.float64)
        def score(x):                                       # x: [rows, features] in cfg["features"] order
            z = ((torch.as_tensor(x, dtype=torch.float64) - offset) / scale).float()
            with torch.no_grad():
                return ((model(z).double() - z.double()) ** 2).mean(dim=1)  # anomalies: > cfg["threshold"]
        """;

    /// <summary>The config of a trained dense <paramref name="model"/>; throws when the model cannot be expressed as one nn.Sequential.</summary>
    public static PyTorchConfig ConfigOf(AnomalyModel model, string? name = null)
    {
        NetworkShape a = model.Shape ?? throw AnomalyModel.NotTrained();
        string? why = model.Spec.Kind is not (AutoencoderKind.Dense or AutoencoderKind.Denoising)
            ? $"it is a {model.Spec.Kind} autoencoder; only Dense and Denoising models are one plain nn.Sequential"
            : model.WindowSize != 1 ? "it reads windows of rows (-WindowSize)"
            : model.Pca is not null ? "it applies PCA before the network (-PcaComponents)"
            : model.Encoding!.HasCategorical ? "it one-hot encodes categorical columns (-CategoricalProperty)"
            : !ScoreTerms.IsPlain(model.ScoreTerms) ? "its score adds the distance to its nearest training rows, which PyTorch would not compute (train it with -Scoring Reconstruction)"
            : null;
        if (why is not null)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"This model cannot be exported for PyTorch: {why}.")
            {
                RecommendedAction = "Export it with Export-AEModel (the PSAnomalyAE format) instead, or train a Dense model for PyTorch.",
            };
        }

        Scaler s = model.Scaler!;
        return new PyTorchConfig
        {
            Name = name,
            Layers = PyTorchConfig.LayersOf(a),
            Activation = model.Spec.Activation.ToString(),
            OutputActivation = a.SigmoidOutput ? "Sigmoid" : null,
            Features = model.FeatureNames.ToArray(),
            Scaler = new PyTorchScaler(s.Method.ToString(), s.Offset.ToArray(), s.Scale.ToArray()),
            Threshold = model.Threshold?.Value,
            CreatedBy = "PSAnomalyAE " + typeof(PyTorchInterop).Assembly.GetName().Version?.ToString(3),
        };
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s weights as safetensors and its config as JSON, as a pair: both files are
    /// replaced or neither is (see <see cref="AtomicFile.WritePair"/>), so a failed export never leaves new weights
    /// beside an old config.
    /// </summary>
    public static PyTorchConfig Export(AnomalyModel model, string weightsPath, string configPath, string? name = null)
    {
        PyTorchConfig config = ConfigOf(model, name);
        IReadOnlyList<WeightTensor> weights = PyTorchLayout.ToSequential(model.ExportWeights(), config.Layers);
        byte[] configBytes = config.ToFileBytes(configPath);
        AtomicFile.WritePair(weightsPath, SafeTensors.ToBytes(weights, new Dictionary<string, string> { ["format"] = "pt" }), configPath, configBytes);
        return config;
    }

    /// <summary>
    /// Builds a trained dense model from a plain nn.Sequential's safetensors weights and its config. Every key,
    /// shape and dtype is checked before any weight is copied; the parameters stay trainable (requires_grad). The
    /// model is named by the config's "name" (or after the weights file, as <see cref="ModelFile.DefaultName"/>) and
    /// remembers the weights file's full path (<see cref="AnomalyModel.SourcePath"/>).
    /// </summary>
    public static AnomalyModel Import(string weightsPath, string configPath)
    {
        PyTorchConfig config = PyTorchConfig.Load(configPath);
        SafeTensorsContent content;
        try
        {
            content = SafeTensors.Read(weightsPath);
        }
        catch (AnomalyDetectionException ex) when (ex.Kind == AnomalyErrorKind.InvalidModelFile && IsTorchSave(weightsPath))
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidModelFile,
                $"'{weightsPath}' is a torch.save file (a zip archive holding a Python pickle), not safetensors. PSAnomalyAE reads weights from safetensors only: loading a pickle can run code.",
                ex)
            {
                RecommendedAction = "Convert it in Python: from safetensors.torch import save_file; save_file(torch.load(\"model.pt\", weights_only=True), \"model.safetensors\")",
            };
        }

        AnomalyModel model = Import(content.Tensors.Select(t => t.ToWeight()).ToList(), config, weightsPath);
        model.SourcePath = Path.GetFullPath(weightsPath);
        model.Name = string.IsNullOrWhiteSpace(config.Name) ? ModelFile.DefaultName(weightsPath) : config.Name;
        return model;
    }

    /// <summary>True when <paramref name="path"/> starts like the zip archives torch.save writes (PyTorch 1.6 and later).</summary>
    private static bool IsTorchSave(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using FileStream f = RegularFile.OpenRead(path);
        return f.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("PK\u0003\u0004"u8);
    }

    /// <summary>Builds a trained dense model from nn.Sequential weights already read and a validated config.</summary>
    public static AnomalyModel Import(IReadOnlyList<WeightTensor> sequential, PyTorchConfig config, string source = "the weights file")
    {
        config.Validate();
        IReadOnlyList<WeightTensor> dense = PyTorchLayout.ToDense(sequential, config.Layers, $"'{source}'");
        NetworkShape arch = config.ToShape();
        Scaler scaler = config.ToScaler();
        var spec = new ModelSpec
        {
            Kind = AutoencoderKind.Dense,
            HiddenSize = arch.HiddenSize.ToArray(),
            LatentSize = arch.LatentSize,
            Activation = config.ActivationKind,
            Scaling = scaler.Method,
        };

        ThresholdChoice? threshold = config.Threshold is { } t
            ? new ThresholdChoice(t, "Imported", null, 0, "PyTorch config" + (config.Name is null ? string.Empty : $" '{config.Name}'"))
            : null;
        return AnomalyModel.Restore(
            spec,
            FeatureEncoding.Numeric(config.Features.ToArray()),
            scaler,
            pca: null,
            arch,
            dense,
            new List<EpochRecord>(),
            training: null,
            threshold,
            Array.Empty<double>(),
            Array.Empty<double>());
    }
}
