using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

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
    /// order. They are read by position where the collection allows it: enumerating it copies its members into a new
    /// list for every row.
    /// </summary>
    private static IEnumerable<string> Properties(PSMemberInfoCollection<PSMemberInfo> members, HashSet<string>? hidden)
    {
        if (ByPosition.Of(members) is not { } at)
        {
            foreach (PSMemberInfo member in members)
            {
                if (member is PSPropertyInfo && (hidden is null || !hidden.Contains(member.Name)))
                {
                    yield return member.Name;
                }
            }

            yield break;
        }

        int count = at.Count(members);
        for (int i = 0; i < count; i++)
        {
            if (at.Item(members, i) is PSPropertyInfo member && (hidden is null || !hidden.Contains(member.Name)))
            {
                yield return member.Name;
            }
        }
    }

    /// <summary>
    /// The count of PowerShell's own-member collection and its member at a position (both internal), read through
    /// delegates compiled once for the collection's type; null when this PowerShell's collection lacks them.
    /// </summary>
    private sealed class ByPosition
    {
        private static readonly object s_gate = new();
        private static Type? s_type;
        private static ByPosition? s_made;

        private ByPosition(Func<PSMemberInfoCollection<PSMemberInfo>, int> count, Func<PSMemberInfoCollection<PSMemberInfo>, int, PSMemberInfo?> item)
        {
            Count = count;
            Item = item;
        }

        internal Func<PSMemberInfoCollection<PSMemberInfo>, int> Count { get; }

        internal Func<PSMemberInfoCollection<PSMemberInfo>, int, PSMemberInfo?> Item { get; }

        internal static ByPosition? Of(PSMemberInfoCollection<PSMemberInfo> members)
        {
            Type type = members.GetType();
            lock (s_gate)
            {
                if (s_type != type)
                {
                    s_made = Make(type);
                    s_type = type;
                }

                return s_made;
            }
        }

        private static ByPosition? Make(Type type)
        {
            const BindingFlags Own = BindingFlags.NonPublic | BindingFlags.Instance;
            PropertyInfo? count = type.GetProperty("Count", Own, null, typeof(int), Type.EmptyTypes, null);
            PropertyInfo? item = type.GetProperty("Item", Own, null, typeof(PSMemberInfo), new[] { typeof(int) }, null);
            if (count is null || item is null)
            {
                return null;
            }

            try
            {
                ParameterExpression members = Expression.Parameter(typeof(PSMemberInfoCollection<PSMemberInfo>), "members");
                ParameterExpression index = Expression.Parameter(typeof(int), "index");
                Expression typed = Expression.Convert(members, type);
                return new ByPosition(
                    Expression.Lambda<Func<PSMemberInfoCollection<PSMemberInfo>, int>>(Expression.Property(typed, count), members).Compile(),
                    Expression.Lambda<Func<PSMemberInfoCollection<PSMemberInfo>, int, PSMemberInfo?>>(Expression.Property(typed, item, index), members, index).Compile());
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or MemberAccessException)
            {
                return null;
            }
        }
    }
}
