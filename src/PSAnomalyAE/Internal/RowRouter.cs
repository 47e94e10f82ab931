using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>
/// Sends each row to one of several runs of the same command, chosen by the value of a column: the row's host,
/// say. Each run is the command itself, with the parameters it was given plus those of its group (-Model, -Name),
/// run as a steppable pipeline that writes to the calling command's output, so every run batches, reports errors
/// and writes rows exactly as the command does on its own. Runs start when their group's first row arrives and
/// end, in that order, when the input ends.
/// </summary>
internal sealed class RowRouter
{
    // Parameters never passed to a run: the router's own, the input, and the variables the calling command sets.
    private static readonly HashSet<string> s_notForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "InputObject", "OutVariable", "OutBuffer", "PipelineVariable", "ErrorVariable", "WarningVariable", "InformationVariable",
    };

    private readonly PSCmdlet _cmdlet;
    private readonly string _property;
    private readonly string _parameter;
    private readonly Func<string, IDictionary<string, object?>?> _parametersFor;
    private readonly Func<long, string, object?, ErrorRecord> _noGroup;
    private readonly Dictionary<string, SteppablePipeline> _runs = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Key, SteppablePipeline Run)> _order = new();
    private readonly Dictionary<string, long> _rows = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, object?> _common;
    private long _rowNumber;

    /// <param name="cmdlet">The calling command: each run is this command, writing to its output.</param>
    /// <param name="parameter">The parameter that names the column (ModelNameProperty, GroupProperty).</param>
    /// <param name="property">The column whose value chooses the run.</param>
    /// <param name="routerParameters">The caller's parameters that only the router reads (never passed on).</param>
    /// <param name="parametersFor">A group's own parameters, or null when the value names no group (the row is an error).</param>
    /// <param name="noGroup">The error for row n (the row number, its value, the row) whose value names no group.</param>
    internal RowRouter(
        PSCmdlet cmdlet,
        string parameter,
        string property,
        IEnumerable<string> routerParameters,
        Func<string, IDictionary<string, object?>?> parametersFor,
        Func<long, string, object?, ErrorRecord> noGroup)
    {
        _cmdlet = cmdlet;
        _property = property;
        _parameter = parameter;
        _parametersFor = parametersFor;
        _noGroup = noGroup;
        var skip = new HashSet<string>(routerParameters.Append(parameter), StringComparer.OrdinalIgnoreCase);
        _common = cmdlet.MyInvocation.BoundParameters
            .Where(p => !s_notForwarded.Contains(p.Key) && !skip.Contains(p.Key))
            .ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The groups in the order their first row came, with the number of rows each was sent.</summary>
    internal IEnumerable<(string Key, long Rows)> Groups => _order.Select(o => (o.Key, _rows[o.Key]));

    /// <summary>Sends one row to its group's run; a row without a value, or whose value names no group, is an error.</summary>
    internal void Route(PSObject? input)
    {
        _rowNumber++;
        string? key = KeyOf(input);
        if (string.IsNullOrEmpty(key))
        {
            string what = input is null || input.BaseObject is string or ValueType
                ? "not a row"
                : $"has no value in column '{_property}'";
            var ex = new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {_rowNumber} {what}, so it could not be sent to a model: the column named by -{_parameter} must hold a value in every row. The row was left out."));
            _cmdlet.WriteError(new ErrorRecord(ex, "MissingGroupValue", ErrorCategory.InvalidData, input));
            return;
        }

        if (!_runs.TryGetValue(key, out SteppablePipeline? run))
        {
            IDictionary<string, object?>? own = _parametersFor(key);
            if (own is null)
            {
                _cmdlet.WriteError(_noGroup(_rowNumber, key, input));
                return;
            }

            run = Start(own);
            _runs[key] = run;
            _order.Add((key, run));
            _rows[key] = 0;
        }

        _rows[key]++;
        Guard(() => run.Process(input));
    }

    /// <summary>Ends every run in the order they started (<paramref name="before"/> is called before each).</summary>
    internal void End(Action<int, string, long>? before = null)
    {
        Guard(() =>
        {
            for (int i = 0; i < _order.Count; i++)
            {
                before?.Invoke(i, _order[i].Key, _rows[_order[i].Key]);
                _order[i].Run.End();
            }
        });
        DisposeAll();
    }

    private string? KeyOf(PSObject? input)
    {
        if (input is null || input.BaseObject is string or ValueType)
        {
            return null;
        }

        object? value = input.BaseObject is System.Collections.IDictionary d ? (d.Contains(_property) ? d[_property] : null) : input.Properties[_property]?.Value;
        value = value is PSObject p ? p.BaseObject : value;
        return value is null ? null : LanguagePrimitives.ConvertTo<string>(value)?.Trim();
    }

    private SteppablePipeline Start(IDictionary<string, object?> own)
    {
        var parameters = new Dictionary<string, object?>(_common, StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object?> p in own)
        {
            parameters[p.Key] = p.Value;
        }

        // param($command, $v0, ...) & $command -Name:$v0 ...: the values are passed as arguments, never as text.
        string[] names = parameters.Keys.ToArray();
        string script = "param($command" + string.Concat(names.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $", $v{i}"))) + ") & $command "
            + string.Join(" ", names.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"-{n}:$v{i}")));
        object?[] args = new object?[names.Length + 1];
        args[0] = _cmdlet.MyInvocation.MyCommand;
        for (int i = 0; i < names.Length; i++)
        {
            args[i + 1] = parameters[names[i]];
        }

        SteppablePipeline run = ScriptBlock.Create(script).GetSteppablePipeline(CommandOrigin.Internal, args);
        try
        {
            run.Begin(_cmdlet);
        }
        catch
        {
            run.Dispose();
            throw;
        }

        return run;
    }

    /// <summary>Runs <paramref name="step"/>; when it throws (a terminating error, Ctrl+C), every run is disposed first.</summary>
    private void Guard(Action step)
    {
        try
        {
            step();
        }
        catch
        {
            DisposeAll();
            throw;
        }
    }

    private void DisposeAll()
    {
        foreach ((_, SteppablePipeline run) in _order)
        {
            run.Dispose();
        }

        _order.Clear();
        _runs.Clear();
    }
}
