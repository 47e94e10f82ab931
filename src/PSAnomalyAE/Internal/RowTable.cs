using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>Turns buffered pipeline rows into the engine's row-major values, reporting bad rows through the cmdlet.</summary>
internal static class RowTable
{
    /// <summary>
    /// Encodes <paramref name="rows"/> with the engine's <see cref="RowEncoder"/>: rows with a bad value are reported
    /// and left out; missing values follow <paramref name="missingValue"/> (Impute fills the column means of these
    /// rows). Returns the kept rows' values and their indexes in <paramref name="rows"/>. With the
    /// <paramref name="survey"/> that chose the columns from these rows, a row whose features were all numbers then is
    /// not read again.
    /// </summary>
    internal static (double[] Data, int Count, List<int> Kept) Encode(
        Cmdlet cmdlet, IReadOnlyList<PSRow> rows, FeatureEncoding encoding, AEMissingValue missingValue, string imputedFrom, ColumnSurvey? survey = null)
    {
        int[]? surveyed = survey is not null && !encoding.HasCategorical ? encoding.Columns.Select(survey.IndexOf).ToArray() : null;
        int width = encoding.Width;
        var data = new double[rows.Count * width];
        var kept = new List<int>();
        var reader = new RowEncoder(encoding, EnumMap.Convert<MissingValuePolicy>(missingValue), means: null);
        for (int i = 0; i < rows.Count; i++)
        {
            if (surveyed is not null && survey!.TryNumbers(i, surveyed, data.AsSpan(kept.Count * width, width)))
            {
                kept.Add(i);
                continue;
            }

            switch (reader.Read(rows[i], rows[i].Number, data.AsSpan(kept.Count * width, width), out AnomalyDetectionException? problem))
            {
                case RowStatus.Invalid:
                    cmdlet.WriteError(Errors.From(problem!, rows[i].Object));
                    break;
                case RowStatus.Read:
                    kept.Add(i);
                    break;
            }
        }

        Array.Resize(ref data, kept.Count * width);
        reader.ImputeColumnMeans(data);
        if (reader.Summary(imputedFrom) is { } warning)
        {
            cmdlet.WriteWarning(warning);
        }

        return (data, kept.Count, kept);
    }
}
