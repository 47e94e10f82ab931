namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Which list of column names a name was given in. It decides what a name that matches no column means: an error
/// for the columns to use, a warning for the columns to leave out (leaving out nothing changes nothing).
/// </summary>
public enum ColumnList
{
    /// <summary>The feature columns to use.</summary>
    Features,

    /// <summary>The columns to leave out.</summary>
    Excluded,

    /// <summary>The columns to one-hot encode as categories.</summary>
    Categorical,
}

/// <summary>
/// The words messages use to name each <see cref="ColumnList"/>, chosen by the caller (the cmdlets name their
/// parameters); <see cref="Default"/> names the cmdlets' parameters.
/// </summary>
public sealed record ColumnListNames(string Features, string Excluded, string Categorical)
{
    /// <summary>-Property, -ExcludeProperty and -CategoricalProperty.</summary>
    public static ColumnListNames Default { get; } = new("-Property", "-ExcludeProperty", "-CategoricalProperty");

    /// <summary>The words for <paramref name="list"/>.</summary>
    public string Of(ColumnList list) => list switch
    {
        ColumnList.Excluded => Excluded,
        ColumnList.Categorical => Categorical,
        _ => Features,
    };
}
