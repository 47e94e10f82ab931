namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// How much one input column drove a row's score, and what the model took as normal for it. For a numeric column
/// Value and Expected are numbers in the column's own units, Expected never outside what the column took in training;
/// for a categorical column they are categories.
/// </summary>
public sealed record FeatureContribution(int Index, string Feature, double Share, double SquaredError, object Value, object Expected)
{
    /// <summary>The lowest value of the column among the row's nearest normal rows; null when the score has no distance term.</summary>
    public double? NormalLow { get; init; }

    /// <summary>The highest value of the column among the row's nearest normal rows; null when the score has no distance term.</summary>
    public double? NormalHigh { get; init; }

    /// <summary>The lowest value the column took in training; null for models saved without their ranges.</summary>
    public double? TrainingMin { get; init; }

    /// <summary>The highest value the column took in training; null for models saved without their ranges.</summary>
    public double? TrainingMax { get; init; }

    /// <summary>
    /// For models that read windows: the row of the window where the column was furthest off, counted back from the
    /// scored row (0: the row itself, -2: two rows before it). 0 for models that read one row.
    /// </summary>
    public int Step { get; init; }

    /// <summary>
    /// High or Low: the value is above or below what the model expected. For a categorical column: Unseen (a
    /// category not in the training rows) or Unusual (the other columns' values go with another category).
    /// </summary>
    public string Direction => (Value, Expected) switch
    {
        (double v, double e) => v >= e ? "High" : "Low",
        (string v, _) when v == FeatureEncoding.OtherCategory => "Unseen",
        (string v, string e) => v == e ? "Expected" : "Unusual",
        _ => string.Empty,
    };

    /// <summary>True when the value lies above or below every value the column took in training.</summary>
    public bool OutsideTraining => Value is double v && ((TrainingMax is { } max && v > max) || (TrainingMin is { } min && v < min));
}
