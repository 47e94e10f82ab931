namespace PSAnomalyAE.Engine.Training;

/// <summary>What training refuses before any work: settings that would give a model which only looks trained.</summary>
public static class TrainingChecks
{
    /// <summary>
    /// One row teaches nothing: a model learns what normal rows have in common, and one row leaves none to hold out
    /// for a threshold. Refused rather than trained with a warning, so that a script stops where the mistake is.
    /// </summary>
    internal static void RequireSeveralRows(int rows)
    {
        if (rows < 2)
        {
            throw new AnomalyDetectionException(
                AnomalyErrorKind.NotEnoughData,
                "Only 1 valid row was given to train on: a model learns what normal rows have in common, which one row cannot show, and no row is left to choose a threshold on.")
            {
                RecommendedAction = "Train on many rows of normal data (hundreds or more), for example Import-Csv normal.csv | Invoke-AETraining.",
            };
        }
    }

    /// <summary>
    /// A bottleneck as wide as the values it reads can copy them: every row is reconstructed, normal or not, and
    /// nothing is detected. Sparse, Denoising and Variational networks are exempt: their penalty or noise keeps an
    /// overcomplete bottleneck from copying, and such bottlenecks are a common choice for them. Only a latent size the
    /// user chose is checked (the default is always narrower), and against
    /// the inputs the user gave (the encoded feature columns, times the window), not the PCA components, whose number
    /// the user may not know before training.
    /// </summary>
    internal static void RequireNarrowBottleneck(ModelSpec spec, TrainingSet set)
    {
        int values = set.Width * set.Window;
        if (spec.LatentSize is not { } latent || latent < values || !CopiesWhenWide(spec.Kind))
        {
            return;
        }

        string inputs = set.Window > 1
            ? $"{values} values the network reads per window ({set.Width} inputs x {set.Window} rows)"
            : $"{values} input{(values == 1 ? string.Empty : "s")} the network reads";
        throw new AnomalyDetectionException(
            AnomalyErrorKind.InvalidArgument,
            $"The latent size {latent} is not smaller than the {inputs}: a bottleneck that wide copies every row, normal or not, and detects nothing.")
        {
            RecommendedAction = values > 1
                ? $"Choose a -LatentSize below {values} (such as {Math.Max(1, values / 2)}), or leave it out; Find-AELatentSize compares sizes on your rows."
                : "A single input cannot be compressed: train on more feature columns.",
        };
    }

    /// <summary>True for the kinds with nothing but the bottleneck to stop them copying their inputs.</summary>
    public static bool CopiesWhenWide(AutoencoderKind kind) =>
        kind is AutoencoderKind.Dense or AutoencoderKind.Convolutional or AutoencoderKind.Recurrent;
}
