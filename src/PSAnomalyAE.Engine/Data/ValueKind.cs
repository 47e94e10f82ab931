namespace PSAnomalyAE.Engine.Data;

/// <summary>The outcome of reading one cell as a number.</summary>
public enum ValueKind
{
    Number,
    Missing,
    NotANumber,
    NotFinite,
}
