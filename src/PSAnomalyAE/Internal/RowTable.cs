using System.Management.Automation;
using PSAnomalyAE.Engine;

namespace PSAnomalyAE.Internal;

/// <summary>Turns buffered pipeline rows into the engine's encoded row-major values, reporting bad rows as it goes.</summary>
internal static class RowTable
{
    /// <summary>
    /// Encodes <paramref name="rows"/>. Rows with a bad value are reported through <paramref name="cmdlet"/> and left
    /// out; missing values follow <paramref name="missingValue"/> (Impute fills from <paramref name="means"/>, or from the
    /// column means of these rows when null). Returns the kept rows' values and indexes.
    /// </summary>
    internal static (double[] Data, int Count, List<int> Kept) Encode(
        Cmdlet cmdlet, IReadOnlyList<PSRow> rows, FeatureEncoding encoding, AEMissingValue missingValue, IReadOnlyList<double>? means, string imputedFrom)
    {
        int width = encoding.Width;
        var data = new double[rows.Count * width];
        var kept = new List<int>();
        int incomplete = 0;
        var policy = (MissingValuePolicy)(int)missingValue;
        for (int i = 0; i < rows.Count; i++)
        {
            AnomalyDetectionException? problem = encoding.TryRead(rows[i], rows[i].Number, data.AsSpan(kept.Count * width, width), policy, out int missing);
            if (problem is not null)
            {
                cmdlet.WriteError(Errors.From(problem, rows[i].Object));
                continue;
            }

            if (missing > 0)
            {
                incomplete++;
                if (policy == MissingValuePolicy.Skip)
                {
                    continue;
                }
            }

            kept.Add(i);
        }

        Array.Resize(ref data, kept.Count * width);
        if (incomplete > 0 && policy == MissingValuePolicy.Skip)
        {
            cmdlet.WriteWarning($"Skipped {incomplete} row(s) with missing values.");
        }
        else if (incomplete > 0)
        {
            int filled = FeatureSchema.Impute(data, means ?? FeatureSchema.ColumnMeans(data, width));
            cmdlet.WriteWarning($"Imputed {filled} missing value(s) in {incomplete} row(s) with {imputedFrom}.");
        }

        return (data, kept.Count, kept);
    }
}
