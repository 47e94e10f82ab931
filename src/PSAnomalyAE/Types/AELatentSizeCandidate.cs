using System.Globalization;
using PSAnomalyAE.Engine.Selection;

namespace PSAnomalyAE;

/// <summary>One bottleneck size tried by Find-AELatentSize.</summary>
public sealed class AELatentSizeCandidate
{
    internal AELatentSizeCandidate(CandidateResult r)
    {
        LatentSize = r.LatentSize;
        Folds = r.Folds;
        MeanError = r.MeanError;
        StdDev = r.StdDev;
        StandardError = r.StandardError;
        Seconds = r.Seconds;
        RocAuc = r.RocAuc;
        Recommended = r.Recommended;
    }

    public int LatentSize { get; }

    public int Folds { get; }

    /// <summary>Mean reconstruction error on the held-out folds (scaled units).</summary>
    public double MeanError { get; }

    /// <summary>Standard deviation of the folds' errors.</summary>
    public double StdDev { get; }

    /// <summary>StdDev / sqrt(Folds): the uncertainty of MeanError used by the one-standard-error rule.</summary>
    public double StandardError { get; }

    /// <summary>Training and scoring time for all folds.</summary>
    public double Seconds { get; }

    /// <summary>Mean ROC-AUC of the fold models on -ValidationData; null without labelled data.</summary>
    public double? RocAuc { get; }

    /// <summary>True for the size the one-standard-error rule recommends.</summary>
    public bool Recommended { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{LatentSize}: {MeanError:G4} ± {StandardError:G2}{(Recommended ? " (recommended)" : string.Empty)}");
}
