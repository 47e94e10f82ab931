namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// What a score term expected a sample's last row to be, in scaled inputs (<see cref="TermBatch.Width"/> values), and,
/// when the term compares the row with real normal rows, the lowest and highest value each input took among them.
/// </summary>
public sealed record TermExpectation(double[] Expected, double[]? Low = null, double[]? High = null);
