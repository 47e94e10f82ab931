using System.Globalization;

namespace PSAnomalyAE;

/// <summary>An autoencoder anomaly model. Create one with New-AEModel, train it with Invoke-AETraining.</summary>
public sealed class AEModel : IDisposable
{
    internal AEModel(AnomalyModel engine)
    {
        Engine = engine;
    }

    internal AnomalyModel Engine { get; private set; }

    /// <summary>
    /// The name that tells this model apart from others, such as the host it watches. Saved in the model file;
    /// a file saved without one names the model after itself (web01.aemodel: web01). Set it with -Name or later.
    /// </summary>
    public string? Name
    {
        get => Engine.Name;
        set => Engine.Name = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Free text about the model; saved in the model file.</summary>
    public string? Description
    {
        get => Engine.Description;
        set => Engine.Description = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>The full path of the file the model was loaded from; null for a model made or retrained in this session.</summary>
    public string? SourcePath => Engine.SourcePath;

    /// <summary>The network kind, by name (an AEArchitecture value), so ConvertTo-Json writes "Dense", not 0.</summary>
    public string Architecture => EnumMap.Convert<AEArchitecture>(Engine.Spec.Kind).ToString();

    /// <summary>Sparse: the L1 penalty's weight on the bottleneck activations.</summary>
    public double SparsityWeight => Engine.Spec.SparsityWeight;

    /// <summary>Variational: beta, the weight of the KL term.</summary>
    public double KLWeight => Engine.Spec.KLWeight;

    /// <summary>Variational: reconstructions averaged per row when scoring.</summary>
    public int Samples => Engine.Spec.Samples;

    /// <summary>Denoising: the noise added to scaled inputs in training.</summary>
    public double NoiseLevel => Engine.Spec.NoiseLevel;

    /// <summary>Consecutive rows read at once; a row's score is that of the window ending at it (1: rows alone).</summary>
    public int WindowSize => Engine.Spec.WindowSize;

    /// <summary>Rows between the starts of consecutive training windows.</summary>
    public int Stride => Engine.Spec.Stride;

    /// <summary>Convolutional over images: the height and width of each row's grid.</summary>
    public int[]? ImageShape => Engine.Spec.ImageShape?.ToArray();

    /// <summary>The PCA setting: a count of components, or a share of variance; null when none.</summary>
    public double? PcaComponents => Engine.Spec.PcaComponents;

    /// <summary>After training with PCA: the number of components the network sees, and the share of variance they explain.</summary>
    public int? PcaComponentCount => Engine.Pca?.Count;

    public double? PcaExplainedVariance => Engine.Pca?.ExplainedVariance;

    /// <summary>The feature columns, in the order the network reads them. Empty until trained.</summary>
    public string[] FeatureNames => Engine.FeatureNames.ToArray();

    public int FeatureCount => Engine.FeatureNames.Length;

    /// <summary>Columns one-hot encoded as categories.</summary>
    public string[]? CategoricalProperty => Engine.Encoding is { HasCategorical: true } e
        ? e.Columns.Where((_, c) => e.Categories[c] is not null).ToArray()
        : Engine.Spec.CategoricalProperty?.ToArray();

    /// <summary>The network's inputs: numeric columns, and column=category indicators for categorical ones.</summary>
    public string[] EncodedFeatureNames => Engine.Encoding?.Names.ToArray() ?? Array.Empty<string>();

    /// <summary>Encoder layer sizes (the decoder mirrors them); the configured ones, or those chosen at training.</summary>
    public int[]? HiddenSize => Engine.Shape?.HiddenSize.ToArray() ?? Engine.Spec.HiddenSize?.ToArray();

    /// <summary>Bottleneck size; the configured one, or the one chosen at training.</summary>
    public int? LatentSize => Engine.Shape?.LatentSize ?? Engine.Spec.LatentSize;

    /// <summary>The activation, by name (an AEActivation value).</summary>
    public string Activation => EnumMap.Convert<AEActivation>(Engine.Spec.Activation).ToString();

    /// <summary>The scaling, by name (an AEScaling value).</summary>
    public string Scaling => EnumMap.Convert<AEScaling>(Engine.Spec.Scaling).ToString();

    /// <summary>
    /// What the scores are made of, by name (an AEScoring value): the trained model's, or the configured one before
    /// training.
    /// </summary>
    public string Scoring => EnumMap.Convert<AEScoring>(Engine.Scoring).ToString();

    /// <summary>How the score was chosen, with every candidate's figures; empty for a model trained with a fixed -Scoring.</summary>
    public AEScoringChoice? ScoringChoice => Engine.ScoreChoice is { } c ? new AEScoringChoice(c) : null;

    public int Epochs => Engine.Spec.Epochs;

    public int BatchSize => Engine.Spec.BatchSize;

    public double LearningRate => Engine.Spec.LearningRate;

    public double ValidationFraction => Engine.Spec.ValidationFraction;

    public int Patience => Engine.Spec.Patience;

    /// <summary>The seed given, or after training the seed that was used (pass it to -Seed to repeat the run).</summary>
    public int? Seed => Engine.Spec.Seed ?? Engine.Training?.Seed;

    public string[]? Property => Engine.Spec.Property?.ToArray();

    public string[]? ExcludeProperty => Engine.Spec.ExcludeProperty?.ToArray();

    public bool IsTrained => Engine.IsTrained;

    /// <summary>The score (ReconstructionError) above which a row is an anomaly; null until one is chosen.</summary>
    public double? Threshold => Engine.Threshold?.Value;

    /// <summary>How the threshold was chosen, e.g. "Percentile 99 of 200 rows (Find-AEThreshold)".</summary>
    public string? ThresholdMethod => Engine.Threshold is { } t
        ? (t.SampleCount == 0 ? $"{t.Method} ({t.Source})" : string.Create(CultureInfo.InvariantCulture, $"{t.Method} {t.Parameter} of {t.SampleCount} rows ({t.Source})"))
        : null;

    /// <summary>Train and validation loss per epoch.</summary>
    public AETrainingEpoch[] History => Engine.History.Select(e => new AETrainingEpoch(e)).ToArray();

    public int TrainingRows => Engine.Training?.TrainRows ?? 0;

    public int ValidationRows => Engine.Training?.ValidationRows ?? 0;

    public int EpochsRun => Engine.Training?.EpochsRun ?? 0;

    /// <summary>The epoch whose weights the model keeps (lowest validation loss).</summary>
    public int BestEpoch => Engine.Training?.BestEpoch ?? 0;

    public bool StoppedEarly => Engine.Training?.StoppedEarly ?? false;

    /// <summary>True when training was interrupted (Ctrl+C); the model keeps the best weights of the completed epochs.</summary>
    public bool TrainingInterrupted => Engine.Training?.Cancelled ?? false;

    public DateTime? TrainedAt => Engine.Training?.TrainedAtUtc;

    public long ParameterCount => Engine.ParameterCount;

    /// <summary>
    /// The model file (as Export-AEModel writes it), base64: what a serialized model (Export-Clixml, Start-Job,
    /// Invoke-Command) carries so the other side can score with it. Null for an untrained model. Hidden; read only by
    /// the serializer (see PSAnomalyAE.Types.ps1xml).
    /// </summary>
    [System.Management.Automation.Hidden]
    public string? SerializedModel
    {
        get
        {
            if (!IsTrained)
            {
                return null;
            }

            using var stream = new MemoryStream();
            ModelFile.Save(Engine, stream);
            return Convert.ToBase64String(stream.GetBuffer(), 0, (int)stream.Length);
        }
    }

    /// <summary>Frees the network's native memory. The model cannot score afterwards.</summary>
    public void Dispose() => Engine.Dispose();

    internal void Replace(AnomalyModel engine)
    {
        AnomalyModel old = Engine;
        Engine = engine;
        if (!ReferenceEquals(old, engine))
        {
            old.Dispose();
        }
    }

    public override string ToString()
    {
        if (!IsTrained)
        {
            return Name is null ? "AEModel (untrained)" : $"AEModel '{Name}' (untrained)";
        }

        string layers = string.Join("-", new[] { FeatureCount }.Concat(HiddenSize ?? Array.Empty<int>()).Append(LatentSize ?? 0)
            .Concat(Enumerable.Reverse(HiddenSize ?? Array.Empty<int>())).Append(FeatureCount));
        string threshold = Threshold is { } t ? t.ToString("G4", CultureInfo.InvariantCulture) : "none";
        string name = Name is null ? string.Empty : $" '{Name}'";
        return $"AEModel{name} {Architecture} {layers}, threshold {threshold}";
    }
}
