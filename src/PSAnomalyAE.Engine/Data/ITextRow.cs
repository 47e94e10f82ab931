namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// A row whose cells are text, such as a record of a CSV file: its numbers are parsed from the characters
/// themselves, without a string per cell. The rules are those of <see cref="ValueParser"/>, as for any other row.
/// </summary>
public interface ITextRow : IRow
{
    /// <summary>
    /// The text of column <paramref name="name"/> (case-insensitive); false when the row has no such column. A
    /// cell missing from a short record is empty, as Import-Csv gives $null for it.
    /// </summary>
    bool TryGetText(string name, out ReadOnlySpan<char> text);

    /// <summary>How numbers are written in the cells: the invariant culture ('.' for decimals) unless set otherwise.</summary>
    System.Globalization.NumberFormatInfo NumberFormat => System.Globalization.NumberFormatInfo.InvariantInfo;
}
