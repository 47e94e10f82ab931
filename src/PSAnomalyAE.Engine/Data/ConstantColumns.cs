namespace PSAnomalyAE.Engine.Data;

/// <summary>Finds the feature columns of a training set that hold the same value in every row.</summary>
internal static class ConstantColumns
{
    /// <summary>
    /// Warns about each feature column whose value is the same in every row that has one; the advice names the
    /// list to leave it out with by <paramref name="words"/>.
    /// </summary>
    public static void Warn(ColumnSurvey survey, FeatureEncoding encoding, ColumnListNames words, Action<string> warn)
    {
        if (survey.Rows < 2)
        {
            return;
        }

        for (int c = 0; c < encoding.Columns.Length; c++)
        {
            string name = encoding.Columns[c];
            if (survey.IsConstant(name, encoding.Categories[c] is not null, out object? value))
            {
                warn($"Column '{name}' is {ValueParser.Describe(value)} in every training row: it teaches the model nothing, and any other value in it will make a row look anomalous. If it is a label or an identifier, leave it out with {words.Excluded} {name}.");
            }
        }
    }
}
