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

/// <summary>An error the engine raises on purpose, with a message written for the person who will read it.</summary>
public sealed class AnomalyDetectionException : Exception
{
    public AnomalyDetectionException(AnomalyErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public AnomalyErrorKind Kind { get; }

    /// <summary>The 1-based row number the error is about, when it is about one row.</summary>
    public long? RowNumber { get; init; }

    /// <summary>The column the error is about, when it is about one column.</summary>
    public string? Column { get; init; }

    /// <summary>The columns the error is about, when several are missing.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>A suggestion for what to do next, when there is one.</summary>
    public string? RecommendedAction { get; init; }
}
