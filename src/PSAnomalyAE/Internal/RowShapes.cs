using System.Collections;
using System.Management.Automation;
using System.Reflection;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The property names of many rows of the same kind, found quickly. PowerShell enumerates the properties of an object
/// it has not enumerated before slowly (45-85 µs for an Import-Csv row of 22 columns, against 6 µs for the object's
/// own members), because it merges the object's own members with those its type adds. For the first row of each list
/// of type names the names are read both ways; when its type adds nothing (as for Import-Csv rows and
/// [pscustomobject]s), the later rows with the same type names are read from their own members alone, which gives the
/// same names in the same order. Anything else is read the public way.
/// </summary>
internal sealed class RowShapes
{
    // PowerShell's own members of an object; if a later PowerShell has no such property, every row is read the public way.
    private static readonly PropertyInfo? s_instanceMembers =
        typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.NonPublic | BindingFlags.Instance);

    private readonly Dictionary<string, bool> _ownMembersSuffice = new(StringComparer.Ordinal);

    /// <summary>The names of <paramref name="row"/>'s properties, in the order PowerShell gives them.</summary>
    internal IEnumerable<string> Names(PSObject row)
    {
        if (s_instanceMembers is null || row.BaseObject is not PSCustomObject)
        {
            return Public(row);
        }

        string kind = string.Join('\n', row.TypeNames);
        if (!_ownMembersSuffice.TryGetValue(kind, out bool own))
        {
            List<string> names = Public(row);
            own = Own(row) is { } mine && names.SequenceEqual(mine, StringComparer.Ordinal);
            _ownMembersSuffice[kind] = own;
            return names;
        }

        return own ? Own(row) ?? Public(row) : Public(row);
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
