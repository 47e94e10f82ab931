namespace PSAnomalyAE.Engine.Data;

public sealed partial class CsvTrainingFile
{
    /// <summary>Records surveyed first to foresee the encoding the whole file will give.</summary>
    private const int ForesightRows = 2000;

    /// <summary>
    /// Chooses the feature columns from the whole file, as <see cref="Plan"/> does, and reads its rows as
    /// <see cref="Encode"/> does, in one pass over the file where it can: the encoding foreseen from the first records
    /// encodes every record while the pass surveys it, and when the survey of the whole file gives that same encoding
    /// (as it does unless a later record changes the columns chosen or adds a category) the rows read are kept and
    /// their problems reported; otherwise the file is read again with the encoding of the whole file. Either way the
    /// columns, the messages (<paramref name="note"/>, <paramref name="warn"/>, <paramref name="chosen"/> with the
    /// encoding, then <see cref="RowError"/>) and the rows are those of <see cref="Plan"/> followed by <see cref="Encode"/>.
    /// </summary>
    public (FeatureEncoding Encoding, ITrainingRows Rows, RowEncoder Encoder) Read(
        IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, MissingValuePolicy policy, Action<string>? note = null, Action<string>? warn = null, Action<FeatureEncoding>? chosen = null, ColumnListNames? words = null)
    {
        (FeatureEncoding? foreseen, IReadOnlyList<string>? expanded) = Foresee(include, exclude, categorical, words);
        if (foreseen is null)
        {
            FeatureEncoding planned = Plan(include, exclude, categorical, note, warn, words);
            chosen?.Invoke(planned);
            var encoder = new RowEncoder(planned, policy, means: null);
            return (planned, Encode(planned, encoder), encoder);
        }

        var held = new List<AnomalyDetectionException>();
        var first = new RowEncoder(foreseen, policy, means: null);
        ColumnSurvey survey;
        RecordEncoder records;
        using (CsvRowSource source = Open())
        {
            records = new RecordEncoder(this, first, Sink(foreseen.Width), held);
            Columns = source.Columns;
            survey = new ColumnSurvey(source.Columns, source.Columns, expanded!);
            int[]? surveyed = foreseen.HasCategorical ? null : foreseen.Columns.Select(survey.IndexOf).ToArray();
            if (surveyed is not null)
            {
                survey.KeepLastRow();
            }

            while (source.MoveNext())
            {
                CheckCancel(source);
                bool added = source.Incomplete is null;
                if (added)
                {
                    survey.Add(source.Current);
                }

                if (!records.GaveUp)
                {
                    records.Take(source, added ? survey : null, added ? surveyed : null);
                }
            }
        }

        FeatureEncoding encoding = FeatureSchema.Plan(Columns, _ => NotEmpty(survey), include, exclude, categorical, note, warn, words);
        chosen?.Invoke(encoding);
        if (records.GaveUp || !Same(encoding, foreseen))
        {
            records = null!; // the rows read are let go before the file is read again
            var encoder = new RowEncoder(encoding, policy, means: null);
            return (encoding, Encode(encoding, encoder), encoder);
        }

        foreach (AnomalyDetectionException problem in held)
        {
            RowError?.Invoke(problem);
        }

        return (encoding, records.Finish(encoding), first);
    }

    /// <summary>
    /// The encoding the first records give, chosen without a word to the user, and the categorical columns expanded;
    /// nulls when they give none (too few records, or a list of columns that does not fit them).
    /// </summary>
    private (FeatureEncoding? Encoding, IReadOnlyList<string>? Categorical) Foresee(IReadOnlyList<string>? include, IReadOnlyList<string>? exclude, IReadOnlyList<string>? categorical, ColumnListNames? words)
    {
        IReadOnlyList<string>? expanded = null;
        try
        {
            using CsvRowSource source = Open();
            FeatureEncoding encoding = FeatureSchema.Plan(source.Columns, cat => Survey(source, expanded = cat, ForesightRows), include, exclude, categorical, null, null, words);
            return (encoding, expanded);
        }
        catch (AnomalyDetectionException)
        {
            return (null, null);
        }
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> read the same columns into the same inputs.</summary>
    private static bool Same(FeatureEncoding a, FeatureEncoding b) =>
        a.Columns.SequenceEqual(b.Columns, StringComparer.Ordinal)
        && a.Categories.Zip(b.Categories).All(p => p.First is null ? p.Second is null : p.Second is not null && p.First.SequenceEqual(p.Second, StringComparer.Ordinal));
}
