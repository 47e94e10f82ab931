namespace PSAnomalyAE.Engine;

/// <summary>What went wrong, in terms a caller can map to its own error categories.</summary>
public enum AnomalyErrorKind
{
    /// <summary>An argument or setting is out of range or contradicts another.</summary>
    InvalidArgument,
    /// <summary>A row holds a value that cannot be used (not a number, missing, infinite).</summary>
    InvalidRow,
    /// <summary>The input lacks columns the model needs.</summary>
    MissingFeature,
    /// <summary>There is too little data to do what was asked.</summary>
    NotEnoughData,
    /// <summary>The model has not been trained yet.</summary>
    NotTrained,
    /// <summary>The model has no threshold and none was given.</summary>
    NoThreshold,
    /// <summary>Training produced a non-finite loss.</summary>
    TrainingDiverged,
    /// <summary>A model file is not a PSAnomalyAE model, or is damaged.</summary>
    InvalidModelFile,
    /// <summary>A model file was written by a newer format version.</summary>
    NewerModelFile,
    /// <summary>The native libtorch runtime could not be loaded.</summary>
    NativeRuntime,
}
