using System.Globalization;

namespace PSAnomalyAE;

/// <summary>A point of a ROC curve: rows with an error at or above Threshold are called anomalies.</summary>
public sealed class AERocPoint
{
    internal AERocPoint(RocPoint p)
    {
        Threshold = p.Threshold;
        FalsePositiveRate = p.FalsePositiveRate;
        TruePositiveRate = p.TruePositiveRate;
        TruePositives = p.TruePositives;
        FalsePositives = p.FalsePositives;
        TrueNegatives = p.TrueNegatives;
        FalseNegatives = p.FalseNegatives;
    }

    public double Threshold { get; }

    public double FalsePositiveRate { get; }

    public double TruePositiveRate { get; }

    public int TruePositives { get; }

    public int FalsePositives { get; }

    public int TrueNegatives { get; }

    public int FalseNegatives { get; }
}
