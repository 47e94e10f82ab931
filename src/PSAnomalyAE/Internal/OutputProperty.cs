namespace PSAnomalyAE.Internal;

/// <summary>The names of the properties the scoring cmdlets add to each row: the one place they are spelled.</summary>
internal static class OutputProperty
{
    internal const string ReconstructionError = "ReconstructionError";
    internal const string FeatureErrors = "FeatureErrors";
    internal const string Threshold = "Threshold";
    internal const string Anomaly = "Anomaly";
    internal const string AnomalyScore = "AnomalyScore";
    internal const string Severity = "Severity";
    internal const string ErrorPercentile = "ErrorPercentile";
    internal const string TopFeatures = "TopFeatures";
    internal const string Reason = "Reason";
    internal const string ModelName = "ModelName";

    /// <summary>Measure-AEReconstructionError -FlattenFeatureErrors: one column per feature, "Error_" + the feature's name.</summary>
    internal const string FeatureErrorPrefix = "Error_";
}
