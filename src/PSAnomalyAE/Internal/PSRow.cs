using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>Presents a pipeline object (a PSObject or a hashtable) to the engine as a row of named values.</summary>
internal sealed class PSRow : IRow
{
    private readonly PSObject _object;
    private readonly IDictionary? _dictionary;
    private readonly RowShapes? _shapes;

    private PSRow(PSObject obj, long number, RowShapes? shapes)
    {
        _object = obj;
        _dictionary = obj.BaseObject as IDictionary;
        Number = number;
        _shapes = shapes;
    }

    internal PSObject Object => _object;

    /// <summary>The 1-based position of the object on the pipeline.</summary>
    internal long Number { get; }

    /// <summary>
    /// Wraps a pipeline object as a row. Plain values (strings, numbers) and $null are not rows: the error says
    /// what is expected instead.
    /// </summary>
    internal static PSRow? Create(PSObject? obj, long number, out ErrorRecord? error) => Create(obj, number, null, out error);

    /// <summary>As <see cref="Create(PSObject?, long, out ErrorRecord?)"/>; rows sharing <paramref name="shapes"/> find their property names faster (see <see cref="RowShapes"/>).</summary>
    internal static PSRow? Create(PSObject? obj, long number, RowShapes? shapes, out ErrorRecord? error)
    {
        error = null;
        if (obj is not null && obj.BaseObject is not (string or ValueType))
        {
            return new PSRow(obj, number, shapes);
        }

        string what = obj is null ? "$null" : $"a {obj.BaseObject.GetType().Name} ({ValueParser.Describe(obj.BaseObject)})";
        var ex = new ArgumentException(
            $"Row {number} is {what}, not a row. Expected an object with one property per column, such as the rows of Import-Csv, a [pscustomobject] or a hashtable.");
        error = new ErrorRecord(ex, "InputNotARow", ErrorCategory.InvalidType, obj);
        return null;
    }

    public IEnumerable<string> Names
    {
        get
        {
            if (_dictionary is not null)
            {
                foreach (object key in _dictionary.Keys)
                {
                    if (key?.ToString() is { } s)
                    {
                        yield return s;
                    }
                }

                yield break;
            }

            if (_shapes is not null)
            {
                foreach (string name in _shapes.Names(_object))
                {
                    yield return name;
                }

                yield break;
            }

            foreach (PSPropertyInfo p in _object.Properties)
            {
                yield return p.Name;
            }
        }
    }

    public bool TryGetValue(string name, out object? value)
    {
        value = null;
        if (_dictionary is not null)
        {
            foreach (DictionaryEntry e in _dictionary)
            {
                if (string.Equals(e.Key?.ToString(), name, StringComparison.OrdinalIgnoreCase))
                {
                    value = Unwrap(e.Value);
                    return true;
                }
            }

            return false;
        }

        PSPropertyInfo? property = _shapes is not null ? _shapes.Property(_object, name) : OwnMembers.Property(_object, name);
        if (property is null)
        {
            return false;
        }

        try
        {
            value = Unwrap(property.Value);
        }
        catch (GetValueException)
        {
            value = null;
        }

        return true;
    }

    /// <summary>How the row's text values write numbers (-Culture); null for the invariant culture, read by the engine.</summary>
    internal NumberFormatInfo? NumberFormat { get; set; }

    /// <summary>The value itself, or under -Culture a text value that reads as a number in that culture as the number.</summary>
    private object? Unwrap(object? v)
    {
        object? value = v is PSObject p ? p.BaseObject : v;
        return NumberFormat is not null && value is string s && ValueParser.ParseText(s, NumberFormat, out double d) == ValueKind.Number ? d : value;
    }
}
