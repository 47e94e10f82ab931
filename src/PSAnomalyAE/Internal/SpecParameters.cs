
namespace PSAnomalyAE.Internal;

/// <summary>Copies the model settings a user bound on a cmdlet onto a <see cref="ModelSpec"/>.</summary>
internal static class SpecParameters
{
    internal static void Apply(ModelSpec spec, IDictionary<string, object> bound)
    {
        foreach (KeyValuePair<string, object> p in bound)
        {
            switch (p.Key)
            {
                case "HiddenSize": spec.HiddenSize = (int[])p.Value; break;
                case "LatentSize" when p.Value is int latent: spec.LatentSize = latent; break;
                case "Activation": spec.Activation = EnumMap.Convert<ActivationKind>((AEActivation)p.Value); break;
                case "Scaling": spec.Scaling = EnumMap.Convert<ScalingMethod>((AEScaling)p.Value); break;
                case "Scoring": spec.Score = EnumMap.Convert<ScoreMethod>((AEScoring)p.Value); break;
                case "Epochs": spec.Epochs = (int)p.Value; break;
                case "BatchSize": spec.BatchSize = (int)p.Value; break;
                case "LearningRate": spec.LearningRate = (double)p.Value; break;
                case "ValidationFraction": spec.ValidationFraction = (double)p.Value; break;
                case "Patience": spec.Patience = (int)p.Value; break;
                case "Seed": spec.Seed = (int)p.Value; break;
                case "ThreadCount": spec.ThreadCount = (int)p.Value; break;
                case "Property": spec.Property = (string[])p.Value; break;
                case "ExcludeProperty": spec.ExcludeProperty = (string[])p.Value; break;
                case "CategoricalProperty": spec.CategoricalProperty = (string[])p.Value; break;
                case "Architecture": spec.Kind = EnumMap.Convert<AutoencoderKind>((AEArchitecture)p.Value); break;
                case "SparsityWeight": spec.SparsityWeight = (double)p.Value; break;
                case "KLWeight": spec.KLWeight = (double)p.Value; break;
                case "Samples": spec.Samples = (int)p.Value; break;
                case "NoiseLevel": spec.NoiseLevel = (double)p.Value; break;
                case "PcaComponents": spec.PcaComponents = (double)p.Value; break;
                case "WindowSize": spec.WindowSize = (int)p.Value; break;
                case "Stride": spec.Stride = (int)p.Value; break;
                case "ImageShape": spec.ImageShape = (int[])p.Value; break;
            }
        }

        spec.Validate();
    }
}
