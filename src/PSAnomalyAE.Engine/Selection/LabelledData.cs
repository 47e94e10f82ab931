namespace PSAnomalyAE.Engine.Selection;

/// <summary>Labelled rows to measure each candidate's ROC-AUC on: encoded values and whether each row is an anomaly.</summary>
public sealed record LabelledData(double[] Data, int Rows, bool[] IsAnomaly);
