namespace PSAnomalyAE.Engine.Configuration;

/// <summary>What to do with a missing value (empty, $null, NA, NaN) in a feature column.</summary>
public enum MissingValuePolicy
{
    /// <summary>Report the row as an error and leave it out.</summary>
    Error,
    /// <summary>Leave the row out quietly; the caller reports how many.</summary>
    Skip,
    /// <summary>Use the feature's mean over the training rows; the caller reports how many.</summary>
    Impute,
}
