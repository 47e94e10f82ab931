namespace PSAnomalyAE.Engine.Scoring;

/// <summary>One score term's raw value for each scored row, under the term's name (NaN for a row with no score yet).</summary>
public sealed record TermValues(string Name, double[] Values);
