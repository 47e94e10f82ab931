namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Tells a systematic mistake (every row is wrong the same way: a misspelt column, the wrong kind of object piped
/// in) from a few bad rows among good ones. Problems of the first rows are held back until a good row arrives; then
/// they are released to be reported one by one, and later problems pass straight through. When the first
/// <see cref="Limit"/> rows (or every row, if there are fewer) fail, the caller reports one error instead.
/// </summary>
public sealed class RowProblemGate<T>
{
    /// <summary>How many failing first rows make a mistake systematic.</summary>
    public const int DefaultLimit = 5;

    private readonly List<T> _held = new();
    private bool _open;

    public RowProblemGate(int limit = DefaultLimit)
    {
        Limit = Math.Max(1, limit);
    }

    public int Limit { get; }

    /// <summary>The problems held back so far (the first rows, all of which failed).</summary>
    public IReadOnlyList<T> Held => _held;

    /// <summary>True once the first <see cref="Limit"/> rows have all failed.</summary>
    public bool IsSystematic => !_open && _held.Count >= Limit;

    /// <summary>True when rows failed and none has succeeded yet: at the end of input, a systematic mistake.</summary>
    public bool NothingPassed => !_open && _held.Count > 0;

    /// <summary>
    /// Records a problem. Returns true when it is held back (no good row yet); false when the caller reports it now.
    /// </summary>
    public bool Hold(T problem)
    {
        if (_open)
        {
            return false;
        }

        _held.Add(problem);
        return true;
    }

    /// <summary>Records a good row; returns the held problems, which the caller now reports one by one.</summary>
    public IReadOnlyList<T> Pass()
    {
        if (_open)
        {
            return Array.Empty<T>();
        }

        _open = true;
        T[] released = _held.ToArray();
        _held.Clear();
        return released;
    }
}
