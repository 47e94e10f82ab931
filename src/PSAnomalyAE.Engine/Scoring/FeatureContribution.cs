namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// How much one input column contributed to a row's reconstruction error. For a numeric column Value and Expected
/// are numbers in the column's own units; for a categorical column they are categories.
/// </summary>
public sealed record FeatureContribution(int Index, string Feature, double Share, double SquaredError, object Value, object Expected)
{
    /// <summary>
    /// High or Low: the value is above or below what the model expected. For a categorical column: Unseen (a
    /// category not in the training rows), Unusual (another category was expected) or Expected.
    /// </summary>
    public string Direction => (Value, Expected) switch
    {
        (double v, double e) => v >= e ? "High" : "Low",
        (string v, _) when v == FeatureEncoding.OtherCategory => "Unseen",
        (string v, string e) => v == e ? "Expected" : "Unusual",
        _ => string.Empty,
    };
}
