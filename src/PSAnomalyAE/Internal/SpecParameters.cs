using PSAnomalyAE.Commands;

namespace PSAnomalyAE.Internal;

/// <summary>Copies the model settings a user bound on a cmdlet onto a <see cref="ModelSpec"/>.</summary>
internal static class SpecParameters
{
    /// <summary>Each model-setting parameter (<see cref="ModelSettingsCommand"/>, and -LatentSize of one size) and how it sets the spec.</summary>
    private static readonly Dictionary<string, Action<ModelSpec, object>> s_settings = new()
    {
        [nameof(ModelSettingsCommand.HiddenSize)] = (spec, v) => spec.HiddenSize = (int[])v,
        [nameof(NewAEModelCommand.LatentSize)] = (spec, v) => spec.LatentSize = v is int latent ? latent : spec.LatentSize,
        [nameof(ModelSettingsCommand.Activation)] = (spec, v) => spec.Activation = EnumMap.Convert<ActivationKind>((AEActivation)v),
        [nameof(ModelSettingsCommand.Scaling)] = (spec, v) => spec.Scaling = EnumMap.Convert<ScalingMethod>((AEScaling)v),
        [nameof(ModelSettingsCommand.Scoring)] = (spec, v) => spec.Scoring = EnumMap.Convert<ScoreMethod>((AEScoring)v),
        [nameof(ModelSettingsCommand.Epochs)] = (spec, v) => spec.Epochs = (int)v,
        [nameof(ModelSettingsCommand.BatchSize)] = (spec, v) => spec.BatchSize = (int)v,
        [nameof(ModelSettingsCommand.LearningRate)] = (spec, v) => spec.LearningRate = (double)v,
        [nameof(ModelSettingsCommand.ValidationFraction)] = (spec, v) => spec.ValidationFraction = (double)v,
        [nameof(ModelSettingsCommand.Patience)] = (spec, v) => spec.Patience = (int)v,
        [nameof(ModelSettingsCommand.Seed)] = (spec, v) => spec.Seed = (int)v,
        [nameof(ModelSettingsCommand.ThreadCount)] = (spec, v) => spec.ThreadCount = (int)v,
        [nameof(ModelSettingsCommand.Property)] = (spec, v) => spec.Property = (string[])v,
        [nameof(ModelSettingsCommand.ExcludeProperty)] = (spec, v) => spec.ExcludeProperty = (string[])v,
        [nameof(ModelSettingsCommand.CategoricalProperty)] = (spec, v) => spec.CategoricalProperty = (string[])v,
        [nameof(ModelSettingsCommand.Architecture)] = (spec, v) => spec.Kind = EnumMap.Convert<AutoencoderKind>((AEArchitecture)v),
        [nameof(ModelSettingsCommand.SparsityWeight)] = (spec, v) => spec.SparsityWeight = (double)v,
        [nameof(ModelSettingsCommand.KLWeight)] = (spec, v) => spec.KLWeight = (double)v,
        [nameof(ModelSettingsCommand.Samples)] = (spec, v) => spec.Samples = (int)v,
        [nameof(ModelSettingsCommand.NoiseLevel)] = (spec, v) => spec.NoiseLevel = (double)v,
        [nameof(ModelSettingsCommand.PcaComponents)] = (spec, v) => spec.PcaComponents = (double)v,
        [nameof(ModelSettingsCommand.WindowSize)] = (spec, v) => spec.WindowSize = (int)v,
        [nameof(ModelSettingsCommand.Stride)] = (spec, v) => spec.Stride = (int)v,
        [nameof(ModelSettingsCommand.ImageShape)] = (spec, v) => spec.ImageShape = (int[])v,
    };

    internal static void Apply(ModelSpec spec, IDictionary<string, object> bound)
    {
        foreach (KeyValuePair<string, object> p in bound)
        {
            if (s_settings.TryGetValue(p.Key, out Action<ModelSpec, object>? set))
            {
                set(spec, p.Value);
            }
        }

        spec.Validate();
    }
}
