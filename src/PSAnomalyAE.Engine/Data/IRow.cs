namespace PSAnomalyAE.Engine.Data;

/// <summary>One input row as the engine sees it: property names and their values, in the row's own order.</summary>
public interface IRow
{
    /// <summary>The names of the row's properties, in order.</summary>
    IEnumerable<string> Names { get; }

    /// <summary>Looks a property up by name (case-insensitive); false when the row has no such property.</summary>
    bool TryGetValue(string name, out object? value);
}
