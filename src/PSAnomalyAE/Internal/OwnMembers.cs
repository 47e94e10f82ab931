using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The members a [pscustomobject] row carries itself (for an Import-Csv row, one note property per column), read
/// without going through <see cref="PSObject.Properties"/>. PowerShell's property collection merges those members
/// with the ones the row's type adds, which makes a look-up by name or a copy of the row several times dearer than
/// the same work on the row's own members. Both methods here give what PowerShell's own API gives, and fall back to
/// it for any row they cannot vouch for (or if a later PowerShell lacks the internals they read).
/// </summary>
internal static class OwnMembers
{
    // PSObject.InstanceMembers and PSMemberInfo.IsHidden are internal; read through delegates made once.
    private static readonly Func<PSObject, PSMemberInfoCollection<PSMemberInfo>>? s_members =
        Getter<PSObject, PSMemberInfoCollection<PSMemberInfo>>("InstanceMembers");

    private static readonly Func<PSMemberInfo, bool>? s_hidden = Getter<PSMemberInfo, bool>("IsHidden");

    // True for a row whose own state is that of a new [pscustomobject] (not deserialized, no help object, written to
    // no other stream, no members kept apart), so that a new object with the same members and type names is its copy.
    private static readonly Func<PSObject, bool>? s_plain = PlainState();

    // The type names of a new [pscustomobject]; a copy keeps any other list of the row's.
    private static readonly string[] s_plainTypeNames = new PSObject().TypeNames.ToArray();

    /// <summary>
    /// The property <paramref name="name"/> of <paramref name="row"/>, as <c>row.Properties[name]</c> finds it: the
    /// row's own members come first there too, so a property found among them is the one PowerShell returns.
    /// </summary>
    internal static PSPropertyInfo? Property(PSObject row, string name) =>
        Of(row)?[name] as PSPropertyInfo ?? row.Properties[name];

    /// <summary>
    /// A copy of <paramref name="row"/> as <see cref="PSObject.Copy"/> makes it (the same properties in the same order,
    /// each a copy, and the same type names), made faster for a [pscustomobject] whose own members are all note
    /// properties: each is added to the new object without the checks Copy repeats for every one of them.
    /// </summary>
    internal static PSObject Copy(PSObject row)
    {
        if (Of(row) is not { } members || s_hidden is null || s_plain?.Invoke(row) != true)
        {
            return row.Copy();
        }

        var notes = new List<PSNoteProperty>();
        foreach (PSMemberInfo member in members)
        {
            if (member.GetType() != typeof(PSNoteProperty) || s_hidden(member))
            {
                return row.Copy();
            }

            notes.Add((PSNoteProperty)member);
        }

        var copy = new PSObject();
        foreach (PSNoteProperty note in notes)
        {
            copy.Properties.Add(new PSNoteProperty(note.Name, note.Value), preValidated: true);
        }

        if (!row.TypeNames.SequenceEqual(s_plainTypeNames, StringComparer.Ordinal))
        {
            copy.TypeNames.Clear();
            foreach (string typeName in row.TypeNames)
            {
                copy.TypeNames.Add(typeName);
            }
        }

        return copy;
    }

    /// <summary>The own members of a [pscustomobject] row; null for any other object, or when they cannot be read.</summary>
    private static PSMemberInfoCollection<PSMemberInfo>? Of(PSObject row) =>
        s_members is not null && row.BaseObject is PSCustomObject ? s_members(row) : null;

    /// <summary>
    /// A test that a row's internal state (PSObject's flags and the members it keeps apart for deserialized objects)
    /// is that of a new PSObject; null when this PowerShell's PSObject does not have the fields it reads.
    /// </summary>
    private static Func<PSObject, bool>? PlainState()
    {
        const BindingFlags Own = BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance;
        try
        {
            ParameterExpression row = Expression.Parameter(typeof(PSObject), "row");
            var fresh = new PSObject();
            Expression same = Expression.Constant(true);
            foreach (string name in new[] { "_flags", "<TokenText>k__BackingField", "<ToStringFromDeserialization>k__BackingField", "<WriteStream>k__BackingField", "<AdaptedMembers>k__BackingField", "<ClrMembers>k__BackingField" })
            {
                if (typeof(PSObject).GetField(name, Own) is not { } field)
                {
                    return null;
                }

                same = Expression.AndAlso(same, Expression.Equal(Expression.Field(row, field), Expression.Constant(field.GetValue(fresh), field.FieldType)));
            }

            return Expression.Lambda<Func<PSObject, bool>>(same, row).Compile();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or MemberAccessException)
        {
            return null;
        }
    }

    private static Func<TOwner, TValue>? Getter<TOwner, TValue>(string property)
    {
        MethodInfo? get = typeof(TOwner).GetProperty(property, BindingFlags.NonPublic | BindingFlags.Instance)?.GetGetMethod(nonPublic: true);
        try
        {
            return get is null ? null : get.CreateDelegate<Func<TOwner, TValue>>();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
