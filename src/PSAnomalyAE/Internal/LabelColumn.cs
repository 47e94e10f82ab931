using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>The -LabelProperty column of labelled rows (incident history), as Find-AEThreshold and Find-AEScoring read it.</summary>
internal static class LabelColumn
{
    /// <summary>
    /// The label of a row whose label column holds <paramref name="raw"/> (<paramref name="found"/> false when the row
    /// has no such column); null with the row's error, and what to say of the rows piped in when the first ones all fail alike.
    /// </summary>
    internal static bool? Read(string column, long rowNumber, bool found, object? raw, PSObject? row, out (ErrorRecord Record, string Systematic) problem)
    {
        raw = raw is PSObject po ? po.BaseObject : raw;
        if (found && ValueParser.ParseLabel(raw) is { } label)
        {
            problem = default;
            return label;
        }

        var ex = new ArgumentException(found
            ? $"Row {rowNumber}: {column} is {ValueParser.Describe(raw)}; expected {ValueParser.LabelValues}."
            : $"Row {rowNumber} has no '{column}' property (the -LabelProperty column).");
        problem = (
            new ErrorRecord(ex, found ? "InvalidLabel" : "MissingLabel", ErrorCategory.InvalidData, row),
            found
                ? $"The -LabelProperty column '{column}' holds values such as {ValueParser.Describe(raw)}; expected {ValueParser.LabelValues}."
                : $"-LabelProperty '{column}' names no property of the rows piped in. Their properties: {PropertyList(row)}.");
        return null;
    }

    /// <summary>The first property names of <paramref name="row"/>, to show what was piped in.</summary>
    internal static string PropertyList(PSObject? row)
    {
        if (row?.BaseObject is System.Collections.IDictionary d)
        {
            return string.Join(", ", d.Keys.Cast<object>().Take(30));
        }

        string list = row is null ? string.Empty : string.Join(", ", row.Properties.Select(p => p.Name).Take(30));
        return list.Length == 0 ? "none" : list;
    }
}
