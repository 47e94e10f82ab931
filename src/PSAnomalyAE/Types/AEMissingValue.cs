namespace PSAnomalyAE;

/// <summary>What to do with a missing value (empty, $null, NA, NaN) in a feature column.</summary>
public enum AEMissingValue
{
    /// <summary>Write a non-terminating error for the row and leave it out.</summary>
    Error,
    /// <summary>Leave the row out; a warning at the end says how many.</summary>
    Skip,
    /// <summary>Use the feature's training mean; a warning at the end says how many values.</summary>
    Impute,
}
