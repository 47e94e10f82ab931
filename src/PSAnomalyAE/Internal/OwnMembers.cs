using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
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
    // The type names of a new [pscustomobject]; a copy keeps any other list of the row's
    // (first: the fields below use it).
    private static readonly string[] s_plainTypeNames = new PSObject().TypeNames.ToArray();

    // PSObject.InstanceMembers and PSMemberInfo.IsHidden are internal; read through delegates made once.
    private static readonly Func<PSObject, PSMemberInfoCollection<PSMemberInfo>>? s_members =
        Getter<PSObject, PSMemberInfoCollection<PSMemberInfo>>("InstanceMembers");

    private static readonly Func<PSMemberInfo, bool>? s_hidden = Getter<PSMemberInfo, bool>("IsHidden");

    // PSMemberInfo.ReplicateInstance (internal): what PowerShell does to a member it adds to an object.
    private static readonly Action<PSMemberInfo, object>? s_replicate = Method<PSMemberInfo, object>("ReplicateInstance");

    // Gives a new PSObject its own member collection, sized for the given number of members. PowerShell would create
    // it on the first add, with no room reserved (so it grows four times for a row of 30 columns) and registered in a
    // weak table keyed by the object itself, which costs a GC handle per row.
    private static readonly Action<PSObject, int>? s_ownMembers = MemberCollectionSetter();

    // PSObject.InternalTypeNames (internal): the type names as they are held, read and set without a copy.
    private static readonly Func<PSObject, Collection<string>>? s_typeNames = Getter<PSObject, Collection<string>>("InternalTypeNames");
    private static readonly Action<PSObject, object>? s_setTypeNames = TypeNamesSetter();

    // A read-only list of type names as PowerShell makes them for a .NET type (ConsolidatedString, interned).
    private static readonly Func<IEnumerable<string>, object>? s_sharedTypeNames = SharedTypeNamesFactory();

    // The ordered dictionary that holds a member collection's members (PSMemberInfoInternalCollection.Members, private;
    // PowerShell locks it while it reads or changes them), read through a delegate compiled once.
    private static readonly Func<PSMemberInfoCollection<PSMemberInfo>, OrderedDictionary>? s_dictionary = DictionaryGetter();

    // The copy's notes, gathered before they are added, and the row's members they are read from (one list each per
    // thread, reused).
    [ThreadStatic]
    private static List<PSNoteProperty>? t_notes;

    [ThreadStatic]
    private static List<PSMemberInfo>? t_members;

    // Room for the properties a scoring command adds to a copied row.
    private const int ExtraCapacity = 16;

    // The names added through PowerShell's own API in this process, per type of object (see AddNote).
    private static readonly ConcurrentDictionary<Announced, byte> s_announced = new();

    // Of those, the name strings this thread has found announced for a [pscustomobject], by reference: rows of one
    // Import-Csv share their name strings, and a scoring command adds the same ones to every row, so most adds are
    // known announced without hashing the name. Cleared when it grows past MaxKnownNames (each file read brings new
    // strings).
    [ThreadStatic]
    private static HashSet<string>? t_knownCustomNames;

    private const int MaxKnownNames = 4096;

    // True for a row whose own state is that of a new [pscustomobject] (not deserialized, no help object, written to
    // no other stream, no members kept apart), so that a new object with the same members and type names is its copy.
    private static readonly Func<PSObject, bool>? s_plain = PlainState();

    /// <summary>
    /// The property <paramref name="name"/> of <paramref name="row"/>, as <c>row.Properties[name]</c> finds it: the
    /// row's own members come first there too, so a property found among them is the one PowerShell returns.
    /// </summary>
    internal static PSPropertyInfo? Property(PSObject row, string name) =>
        Of(row)?[name] as PSPropertyInfo ?? row.Properties[name];

    /// <summary>
    /// A copy of <paramref name="row"/> as <see cref="PSObject.Copy"/> makes it (the same properties in the same order,
    /// each a copy, and the same type names), made faster for a [pscustomobject] whose own members are all note
    /// properties: each is added to the new object as <see cref="AddNote"/> adds it, without the checks Copy repeats
    /// for every one of them.
    /// </summary>
    internal static PSObject Copy(PSObject row)
    {
        if (Of(row) is not { } members || s_hidden is null || s_plain?.Invoke(row) != true)
        {
            return row.Copy();
        }

        List<PSNoteProperty> notes = t_notes ??= new List<PSNoteProperty>();
        notes.Clear();
        if (!GatherNotes(members, notes))
        {
            notes.Clear();
            return row.Copy();
        }

        var copy = new PSObject();
        s_ownMembers?.Invoke(copy, notes.Count + ExtraCapacity);
        foreach (PSNoteProperty note in notes)
        {
            AddNote(copy, note.Name, note.Value);
        }

        notes.Clear();
        if (!HasPlainTypeNames(row))
        {
            copy.TypeNames.Clear();
            foreach (string typeName in s_typeNames?.Invoke(row) ?? row.TypeNames)
            {
                copy.TypeNames.Add(typeName);
            }
        }

        return copy;
    }

    /// <summary>
    /// Adds <paramref name="members"/> to <paramref name="notes"/> in order; false if one is not a visible note property.
    /// </summary>
    private static bool GatherNotes(PSMemberInfoCollection<PSMemberInfo> members, List<PSNoteProperty> notes)
    {
        List<PSMemberInfo> all = t_members ??= new List<PSMemberInfo>();
        all.Clear();
        InOrder(members, all);
        foreach (PSMemberInfo member in all)
        {
            if (!IsVisibleNote(member))
            {
                all.Clear();
                return false;
            }

            notes.Add((PSNoteProperty)member);
        }

        all.Clear();
        return true;
    }

    /// <summary>
    /// Adds <paramref name="members"/> to <paramref name="into"/>, in order. They are read by position, under the lock
    /// PowerShell takes to read them, where the collection allows it: enumerating the collection copies its members into
    /// a new list for every row.
    /// </summary>
    internal static void InOrder(PSMemberInfoCollection<PSMemberInfo> members, List<PSMemberInfo> into)
    {
        if (s_dictionary?.Invoke(members) is not { } all)
        {
            into.AddRange(members);
            return;
        }

        lock (all)
        {
            int count = all.Count;
            for (int i = 0; i < count; i++)
            {
                if (all[i] is PSMemberInfo member)
                {
                    into.Add(member);
                }
            }
        }
    }

    private static bool IsVisibleNote(PSMemberInfo member) => member.GetType() == typeof(PSNoteProperty) && !s_hidden!(member);

    /// <summary>
    /// The own property of <paramref name="row"/> named <paramref name="name"/> if it stands at
    /// <paramref name="position"/> among the row's own members; null when it does not (or the row has no own members
    /// that can be read by position), and then <see cref="PositionOf"/> says where it stands.
    /// </summary>
    internal static PSPropertyInfo? PropertyAt(PSObject row, string name, int position)
    {
        if (Of(row) is not { } members || s_dictionary?.Invoke(members) is not { } all)
        {
            return null;
        }

        lock (all)
        {
            return position < all.Count && all[position] is PSPropertyInfo property
                && string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) ? property : null;
        }
    }

    /// <summary>Where the own property <paramref name="name"/> of <paramref name="row"/> stands among its own members; -1 when it is not one of them.</summary>
    internal static int PositionOf(PSObject row, string name)
    {
        if (Of(row) is not { } members || s_dictionary?.Invoke(members) is not { } all)
        {
            return -1;
        }

        lock (all)
        {
            int count = all.Count;
            for (int i = 0; i < count; i++)
            {
                if (all[i] is PSPropertyInfo property && string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>
    /// True when <paramref name="row"/>'s type names are those of a new [pscustomobject]. Read without
    /// <see cref="PSObject.TypeNames"/>, which gives each object its own writable copy of a list it shares (and
    /// registers that copy in a weak table) in case the caller changes it.
    /// </summary>
    internal static bool HasPlainTypeNames(PSObject row) =>
        (s_typeNames?.Invoke(row) ?? row.TypeNames).SequenceEqual(s_plainTypeNames, StringComparer.Ordinal);

    /// <summary>
    /// A list of type names that many rows can share, as the rows of one .NET type share theirs: read-only, so
    /// PowerShell gives a row its own copy should anyone change the row's <see cref="PSObject.TypeNames"/>. Null when
    /// this PowerShell's internals differ; then <see cref="ShareTypeNames"/> does nothing.
    /// </summary>
    internal static object? SharedTypeNames(string first)
    {
        try
        {
            return s_sharedTypeNames?.Invoke(s_plainTypeNames.Prepend(first));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Gives <paramref name="row"/> type names from <see cref="SharedTypeNames"/>; false when it cannot.</summary>
    internal static bool ShareTypeNames(PSObject row, object? shared)
    {
        if (shared is null || s_setTypeNames is null)
        {
            return false;
        }

        s_setTypeNames(row, shared);
        return true;
    }

    /// <summary>
    /// Adds a note property to <paramref name="row"/>, or replaces one of the same name where it stands, as
    /// <c>row.Properties.Add(new PSNoteProperty(name, value), preValidated: true)</c> does. That call copies the new
    /// property and tells PowerShell's member binders that objects may carry a member of that name (a lock and two
    /// look-ups); the binders keep that for the process, so once a name has been added that way to an object of a
    /// type, later adds of it to objects of that type put the property straight among the object's own members.
    /// </summary>
    internal static void AddNote(PSObject row, string name, object? value)
    {
        var note = new PSNoteProperty(name, value);
        Type type = row.BaseObject.GetType();
        if (s_replicate is not null && s_members is not null && IsAnnounced(type, name))
        {
            s_replicate(note, row);
            s_members(row).Add(note, preValidated: true);
            return;
        }

        row.Properties.Add(note, preValidated: true);
        s_announced.TryAdd(new Announced(type, name), 0);
    }

    private static bool IsAnnounced(Type type, string name)
    {
        bool custom = type == typeof(PSCustomObject);
        if (custom && t_knownCustomNames is { } known && known.Contains(name))
        {
            return true;
        }

        if (!s_announced.ContainsKey(new Announced(type, name)))
        {
            return false;
        }

        if (custom)
        {
            known = t_knownCustomNames ??= new HashSet<string>(ReferenceEqualityComparer.Instance);
            if (known.Count >= MaxKnownNames)
            {
                known.Clear();
            }

            known.Add(name);
        }

        return true;
    }

    /// <summary>A member name PowerShell has been told of, with the type of the objects it was added to.</summary>
    private readonly record struct Announced(Type Type, string Name)
    {
        public bool Equals(Announced other) => Type == other.Type && StringComparer.OrdinalIgnoreCase.Equals(Name, other.Name);

        public override int GetHashCode() => HashCode.Combine(Type, StringComparer.OrdinalIgnoreCase.GetHashCode(Name));
    }

    /// <summary>The own members of a [pscustomobject] row; null for any other object, or when they cannot be read.</summary>
    internal static PSMemberInfoCollection<PSMemberInfo>? Of(PSObject row) =>
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

    private static Action<PSObject, int>? MemberCollectionSetter()
    {
        try
        {
            PropertyInfo? property = typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.NonPublic | BindingFlags.Instance);
            ConstructorInfo? sized = property?.PropertyType.GetConstructor(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance, new[] { typeof(int) });
            if (property?.GetSetMethod(nonPublic: true) is not { } set || sized is null)
            {
                return null;
            }

            ParameterExpression row = Expression.Parameter(typeof(PSObject), "row");
            ParameterExpression capacity = Expression.Parameter(typeof(int), "capacity");
            return Expression.Lambda<Action<PSObject, int>>(Expression.Call(row, set, Expression.New(sized, capacity)), row, capacity).Compile();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or MemberAccessException)
        {
            return null;
        }
    }

    private static Func<PSMemberInfoCollection<PSMemberInfo>, OrderedDictionary>? DictionaryGetter()
    {
        try
        {
            if (s_members?.Invoke(new PSObject()) is not { } sample)
            {
                return null;
            }

            Type type = sample.GetType();
            PropertyInfo? property = type.GetProperty("Members", BindingFlags.NonPublic | BindingFlags.Instance, null, typeof(OrderedDictionary), Type.EmptyTypes, null);
            if (property?.GetGetMethod(nonPublic: true) is null)
            {
                return null;
            }

            ParameterExpression members = Expression.Parameter(typeof(PSMemberInfoCollection<PSMemberInfo>), "members");
            Expression typed = Expression.Convert(members, type);
            Func<PSMemberInfoCollection<PSMemberInfo>, OrderedDictionary> read =
                Expression.Lambda<Func<PSMemberInfoCollection<PSMemberInfo>, OrderedDictionary>>(
                    Expression.Condition(Expression.TypeIs(members, type), Expression.Property(typed, property), Expression.Constant(null, typeof(OrderedDictionary))),
                    members).Compile();
            return read;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or MemberAccessException)
        {
            return null;
        }
    }

    private static Action<PSObject, object>? TypeNamesSetter()
    {
        try
        {
            PropertyInfo? property = typeof(PSObject).GetProperty("InternalTypeNames", BindingFlags.NonPublic | BindingFlags.Instance);
            if (property?.GetSetMethod(nonPublic: true) is not { } set)
            {
                return null;
            }

            ParameterExpression row = Expression.Parameter(typeof(PSObject), "row");
            ParameterExpression names = Expression.Parameter(typeof(object), "names");
            return Expression.Lambda<Action<PSObject, object>>(Expression.Call(row, set, Expression.Convert(names, property.PropertyType)), row, names).Compile();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or MemberAccessException)
        {
            return null;
        }
    }

    private static Func<IEnumerable<string>, object>? SharedTypeNamesFactory()
    {
        try
        {
            Type? type = typeof(PSObject).GetProperty("InternalTypeNames", BindingFlags.NonPublic | BindingFlags.Instance)?.PropertyType;
            ConstructorInfo? interned = type?.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, new[] { typeof(IEnumerable<string>), typeof(bool) });
            if (interned is null || !typeof(Collection<string>).IsAssignableFrom(type))
            {
                return null;
            }

            ParameterExpression names = Expression.Parameter(typeof(IEnumerable<string>), "names");
            NewExpression make = Expression.New(interned, names, Expression.Constant(true));
            var factory = Expression.Lambda<Func<IEnumerable<string>, object>>(Expression.Convert(make, typeof(object)), names).Compile();

            // Only if the list it makes is read-only: PowerShell copies such a list before anyone changes it.
            return factory(s_plainTypeNames) is ICollection<string> { IsReadOnly: true } ? factory : null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or MemberAccessException)
        {
            return null;
        }
    }

    private static Action<TOwner, TArgument>? Method<TOwner, TArgument>(string name)
    {
        MethodInfo? method = typeof(TOwner).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Instance, new[] { typeof(TArgument) });
        try
        {
            return method is null || method.ReturnType != typeof(void) ? null : method.CreateDelegate<Action<TOwner, TArgument>>();
        }
        catch (ArgumentException)
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
