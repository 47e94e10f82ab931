using System.Collections;
using System.Management.Automation;
using System.Reflection;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The property names of many rows of the same kind, found quickly. PowerShell enumerates the properties of an object
/// it has not enumerated before slowly (45-85 µs for an Import-Csv row of 22 columns, against 6 µs for the object's
/// own members), because it merges the object's own members with those its type adds. For the first row of each list
/// of type names the names are read both ways; when its own members are its properties, in the same order, but for
/// hidden ones (such as pstypenames), as for Import-Csv rows and [pscustomobject]s, the later rows with the same type
/// names are read from their own members, leaving out those hidden names. Anything else is read the public way.
/// </summary>
internal sealed class RowShapes
{
    // PowerShell's own members of an object; if a later PowerShell has no such property, every row is read the public way.
    private static readonly PropertyInfo? s_instanceMembers =
        typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.NonPublic | BindingFlags.Instance);

    // Per list of type names: the own members PowerShell does not show as properties (hidden ones such as
    // pstypenames), or null when the row's type adds properties and rows must be read the public way.
    private readonly Dictionary<string, HashSet<string>?> _hiddenOwn = new(StringComparer.Ordinal);

    /// <summary>The names of <paramref name="row"/>'s properties, in the order PowerShell gives them.</summary>
    internal IEnumerable<string> Names(PSObject row)
    {
        if (s_instanceMembers is null || row.BaseObject is not PSCustomObject)
        {
            return Public(row);
        }

        string kind = string.Join('\n', row.TypeNames);
        if (!_hiddenOwn.TryGetValue(kind, out HashSet<string>? hidden))
        {
            List<string> names = Public(row);
            _hiddenOwn[kind] = HiddenOwn(names, Own(row));
            return names;
        }

        return hidden is not null && Own(row) is { } own ? own.Where(n => !hidden.Contains(n)) : Public(row);
    }

    /// <summary>
    /// The own members left out of <paramref name="names"/> when the rest are <paramref name="names"/> in the same
    /// order (the type adds no properties); otherwise null.
    /// </summary>
    private static HashSet<string>? HiddenOwn(List<string> names, List<string>? own)
    {
        if (own is null)
        {
            return null;
        }

        var hidden = new HashSet<string>(own.Except(names, StringComparer.Ordinal), StringComparer.Ordinal);
        return own.Where(n => !hidden.Contains(n)).SequenceEqual(names, StringComparer.Ordinal) ? hidden : null;
    }

    private static List<string> Public(PSObject row) => row.Properties.Select(p => p.Name).ToList();

    private static List<string>? Own(PSObject row)
    {
        if (s_instanceMembers!.GetValue(row) is not IEnumerable members)
        {
            return null;
        }

        var names = new List<string>();
        foreach (object member in members)
        {
            if (member is PSPropertyInfo property)
            {
                names.Add(property.Name);
            }
        }

        return names;
    }
}
