using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The property names of many rows of the same kind, found quickly. PowerShell enumerates the properties of an object
/// it has not enumerated before slowly (45-85 µs for an Import-Csv row of 22 columns, against 6 µs for the object's
/// own members), because it merges the object's own members with those its type adds. For the first row of each list
/// of type names the names are read both ways; when its own members are its properties, in the same order, but for
/// hidden ones (such as pstypenames), as for Import-Csv rows and [pscustomobject]s, the later rows with the same type
/// names are read from their own members (<see cref="OwnMembers"/>), leaving out those hidden names. Anything else is
/// read the public way. Rows come in runs of one kind, so the kind of the row before is tried first, without building
/// a key from the type names.
/// </summary>
internal sealed class RowShapes
{
    // Per list of type names: the own members PowerShell does not show as properties (hidden ones such as
    // pstypenames), or null when the row's type adds properties and rows must be read the public way.
    private readonly Dictionary<string, HashSet<string>?> _hiddenOwn = new(StringComparer.Ordinal);

    private string[] _lastKind = Array.Empty<string>(); // the type names of the row before
    private HashSet<string>? _lastHidden;

    // Where each column read so far stood among the own members of the last row that had it (-1: not among them), by
    // the name string asked for: a command asks for its columns with the same strings row after row. Bounded, in case
    // a caller makes new strings.
    private readonly Dictionary<string, int> _positions = new(ReferenceEqualityComparer.Instance);

    private const int MaxPositions = 4096;

    /// <summary>
    /// The property <paramref name="name"/> of <paramref name="row"/>, as <see cref="OwnMembers.Property"/> finds it.
    /// Rows of one kind (the rows of one Import-Csv, [pscustomobject]s built alike) hold their columns in one order,
    /// so a column is first looked for where it stood in the row before, and its name checked there: that saves a
    /// case-insensitive hash of the name per row and column.
    /// </summary>
    internal PSPropertyInfo? Property(PSObject row, string name)
    {
        if (_positions.TryGetValue(name, out int at) && at >= 0 && OwnMembers.PropertyAt(row, name, at) is { } property)
        {
            return property;
        }

        property = OwnMembers.Property(row, name);
        if (property is not null)
        {
            if (_positions.Count >= MaxPositions)
            {
                _positions.Clear();
            }

            _positions[name] = OwnMembers.PositionOf(row, name);
        }

        return property;
    }

    /// <summary>The names of <paramref name="row"/>'s properties, in the order PowerShell gives them.</summary>
    internal IEnumerable<string> Names(PSObject row)
    {
        if (OwnMembers.Of(row) is not { } own)
        {
            return Public(row);
        }

        if (!SameKind(row.TypeNames))
        {
            string kind = string.Join('\n', row.TypeNames);
            if (!_hiddenOwn.TryGetValue(kind, out HashSet<string>? hidden))
            {
                List<string> names = Public(row);
                _hiddenOwn[kind] = HiddenOwn(names, Properties(own, null).ToList());
                return names;
            }

            _lastKind = row.TypeNames.ToArray();
            _lastHidden = hidden;
        }

        return _lastHidden is { } skip ? Properties(own, skip) : Public(row);
    }

    /// <summary>True when <paramref name="typeNames"/> are those of the row before (whose kind was seen already).</summary>
    private bool SameKind(IList<string> typeNames)
    {
        if (typeNames.Count != _lastKind.Length || _lastKind.Length == 0)
        {
            return false;
        }

        for (int i = 0; i < _lastKind.Length; i++)
        {
            if (!string.Equals(typeNames[i], _lastKind[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The own members left out of <paramref name="names"/> when the rest are <paramref name="names"/> in the same
    /// order (the type adds no properties); otherwise null.
    /// </summary>
    private static HashSet<string>? HiddenOwn(List<string> names, List<string> own)
    {
        var hidden = new HashSet<string>(own.Except(names, StringComparer.Ordinal), StringComparer.Ordinal);
        return own.Where(n => !hidden.Contains(n)).SequenceEqual(names, StringComparer.Ordinal) ? hidden : null;
    }

    private static List<string> Public(PSObject row) => row.Properties.Select(p => p.Name).ToList();

    /// <summary>
    /// The names of the properties among <paramref name="members"/>, but for those in <paramref name="hidden"/>, in
    /// order.
    /// </summary>
    private static IEnumerable<string> Properties(PSMemberInfoCollection<PSMemberInfo> members, HashSet<string>? hidden)
    {
        var all = new List<PSMemberInfo>();
        OwnMembers.InOrder(members, all);
        foreach (PSMemberInfo member in all)
        {
            if (member is PSPropertyInfo && (hidden is null || !hidden.Contains(member.Name)))
            {
                yield return member.Name;
            }
        }
    }
}
