namespace PSAnomalyAE.Engine;

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
