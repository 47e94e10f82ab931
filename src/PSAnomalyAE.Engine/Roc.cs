namespace PSAnomalyAE.Engine;

/// <summary>A ROC curve summary: the area under it.</summary>
public sealed record RocCurve(double RocAuc, int Positives, int Negatives);

/// <summary>ROC analysis of scores against labels (true = anomaly).</summary>
public static class Roc
{
    /// <summary>ROC-AUC: the chance that a random anomaly scores above a random normal row, ties counting half.</summary>
    public static RocCurve Curve(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        if (scores.Count != isAnomaly.Count || scores.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, "ROC analysis needs one label per score, and at least one row.");
        }

        int pos = isAnomaly.Count(a => a), neg = scores.Count - pos;
        if (pos == 0 || neg == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"ROC analysis needs both normal and anomalous rows; only {(pos == 0 ? "normal" : "anomalous")} rows were given.");
        }

        int[] order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            double rank = ((i + j) / 2.0) + 1;
            for (int k = i; k <= j; k++)
            {
                rankSum += isAnomaly[order[k]] ? rank : 0;
            }

            i = j + 1;
        }

        return new RocCurve((rankSum - (pos * (pos + 1.0) / 2)) / ((double)pos * neg), pos, neg);
    }
}
