using System.Globalization;

namespace PSAnomalyAE;

/// <summary>A point of a precision-recall curve.</summary>
public sealed class AEPrecisionRecallPoint
{
    internal AEPrecisionRecallPoint(PrecisionRecallPoint p)
    {
        Threshold = p.Threshold;
        Precision = p.Precision;
        Recall = p.Recall;
    }

    public double Threshold { get; }

    public double Precision { get; }

    public double Recall { get; }
}
