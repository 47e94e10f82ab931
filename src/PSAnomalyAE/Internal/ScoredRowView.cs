using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The default display of the rows Test-AEAnomaly and Measure-AEReconstructionError write: a table of the row's
/// leading columns followed by the results, rounded. Only type names are added to a row; its properties and values
/// stay as they are, so Export-Csv and ConvertTo-Json still see every column at full precision.
/// </summary>
/// <remarks>
/// Every row gets one type name that names its leading columns, such as "PSAnomalyAE.AnomalyResult#timestamp/host".
/// The table view for that name is generated and registered in the session once, on the first row that needs it; the
/// leading columns are chosen from the first row of a command, as Format-Table and Export-Csv take their columns from
/// the first object. Should the registration fail, rows get the plain name (<see cref="AnomalyTypeName"/> or
/// <see cref="ErrorTypeName"/>), whose view in the format file is a table of the results alone. Per row the cost is
/// no type-name list of its own: rows share one read-only list per view (a row whose names are not a
/// [pscustomobject]'s gets one type-name insert, about 330 bytes).
/// </remarks>
internal sealed class ScoredRowView
{
    internal const string AnomalyTypeName = "PSAnomalyAE.AnomalyResult";
    internal const string ErrorTypeName = "PSAnomalyAE.ReconstructionErrorResult";

    /// <summary>At most this many of the row's own columns lead the table.</summary>
    internal const int MaxLeadingColumns = 3;

    /// <summary>Views generated per session at most; rows of further column sets get the plain table.</summary>
    private const int MaxViews = 100;

    // The view names registered per runspace (format data is per session).
    private static readonly ConditionalWeakTable<Runspace, HashSet<string>> s_registered = new();

    private readonly PSCmdlet _cmdlet;
    private readonly string _typeName;
    private readonly string _prefix;
    private readonly HashSet<string> _features;
    private readonly HashSet<string> _added;
    private readonly Func<string[], TableControl> _table;
    private string? _name;
    private object? _sharedNames;

    private ScoredRowView(PSCmdlet cmdlet, string typeName, string prefix, IEnumerable<string> features, IEnumerable<string> added, Func<string[], TableControl> table)
    {
        _cmdlet = cmdlet;
        _typeName = typeName;
        _prefix = prefix;
        _features = new HashSet<string>(features, StringComparer.OrdinalIgnoreCase);
        _added = new HashSet<string>(added, StringComparer.OrdinalIgnoreCase);
        _table = table;
    }

    /// <summary>The view of Test-AEAnomaly's rows: leading columns, ScoreToThreshold (two decimals), Severity, Reason.</summary>
    internal static ScoredRowView ForAnomalies(PSCmdlet cmdlet, IEnumerable<string> features, IEnumerable<string> added) =>
        new(cmdlet, AnomalyTypeName, AnomalyTypeName, features, added, lead => Table(lead, OutputProperty.ScoreToThreshold, OutputProperty.Severity, OutputProperty.Reason)
            .AddScriptBlockColumn("if ($null -ne $_.ScoreToThreshold) { '{0:N2}' -f $_.ScoreToThreshold }", Alignment.Undefined, null)
            .AddPropertyColumn(OutputProperty.Severity, Alignment.Undefined, null)
            .AddPropertyColumn(OutputProperty.Reason, Alignment.Undefined, null)
            .EndRowDefinition()
            .EndTable());

    /// <summary>
    /// The view of Measure-AEReconstructionError's rows: leading columns, Score and ReconstructionError (4 significant
    /// digits each) and, when present, FeatureErrors (3 significant digits each). With -FlattenFeatureErrors the generated views are
    /// named PSAnomalyAE.ReconstructionErrorResult.Flat#..., apart from those with a FeatureErrors column.
    /// </summary>
    internal static ScoredRowView ForErrors(PSCmdlet cmdlet, IEnumerable<string> features, IEnumerable<string> added, bool featureErrorsColumn) =>
        new(cmdlet, ErrorTypeName, featureErrorsColumn ? ErrorTypeName : ErrorTypeName + ".Flat", features, added, lead =>
        {
            TableRowDefinitionBuilder row = Table(lead, featureErrorsColumn
                    ? new[] { OutputProperty.Score, OutputProperty.ReconstructionError, OutputProperty.FeatureErrors }
                    : new[] { OutputProperty.Score, OutputProperty.ReconstructionError })
                .AddScriptBlockColumn("if ($null -ne $_.Score) { '{0:G4}' -f $_.Score }", Alignment.Undefined, null)
                .AddScriptBlockColumn("if ($null -ne $_.ReconstructionError) { '{0:G4}' -f $_.ReconstructionError }", Alignment.Undefined, null);
            if (featureErrorsColumn)
            {
                row = row.AddScriptBlockColumn("if ($null -ne $_.FeatureErrors) { '{0:G3}' -f $_.FeatureErrors }", Alignment.Undefined, null);
            }

            return row.EndRowDefinition().EndTable();
        });

    /// <summary>
    /// The row a scoring command writes for an input row: a copy of a PSObject (from <paramref name="copy"/>), or for
    /// a hashtable (any dictionary) a new object with one property per key, in the dictionary's order.
    /// </summary>
    /// <remarks>
    /// A dictionary is not kept as one: Format-Table, Where-Object, Export-Csv and ConvertTo-Json would see its keys
    /// (or its Keys/Values/Count) and never the scores added to it, while an object with the keys as properties, as
    /// [pscustomobject]$hashtable makes, works with all of them.
    /// </remarks>
    internal static PSObject OutputFor(PSObject row, Func<PSObject, PSObject> copy)
    {
        if (row.BaseObject is not IDictionary dictionary)
        {
            return copy(row);
        }

        var output = new PSObject();
        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key?.ToString() is { } name && output.Properties[name] is null)
            {
                output.Properties.Add(new PSNoteProperty(name, entry.Value));
            }
        }

        return output;
    }

    /// <summary>
    /// Gives an output row the view's type name; the first call chooses the leading columns. A row with the type
    /// names of a [pscustomobject] gets a list it shares with the others (PowerShell copies it for a row whose
    /// PSTypeNames someone changes), so that a row costs no list of its own.
    /// </summary>
    internal void Apply(PSObject output)
    {
        if (_name is null)
        {
            _name = Register(LeadingColumns(output)) ?? _typeName;
            _sharedNames = OwnMembers.SharedTypeNames(_name);
        }

        if (!OwnMembers.HasPlainTypeNames(output) || !OwnMembers.ShareTypeNames(output, _sharedNames))
        {
            output.TypeNames.Insert(0, _name);
        }
    }

    /// <summary>
    /// The columns that lead the table: the row's first <see cref="MaxLeadingColumns"/> columns that are not features
    /// (a timestamp, a host name, a label), or its first column when every column is a feature.
    /// </summary>
    internal string[] LeadingColumns(PSObject output)
    {
        var lead = new List<string>(MaxLeadingColumns);
        string? first = null;
        foreach (PSPropertyInfo p in output.Properties)
        {
            if (_added.Contains(p.Name))
            {
                continue;
            }

            first ??= p.Name;
            if (!_features.Contains(p.Name))
            {
                lead.Add(p.Name);
                if (lead.Count == MaxLeadingColumns)
                {
                    break;
                }
            }
        }

        return lead.Count == 0 && first is not null ? new[] { first } : lead.ToArray();
    }

    private string? Register(string[] lead)
    {
        if (lead.Length == 0)
        {
            return null;
        }

        string name = _prefix + "#" + string.Join("/", lead);
        Runspace? runspace = Runspace.DefaultRunspace;
        if (runspace?.InitialSessionState is not { } iss)
        {
            return null;
        }

        HashSet<string> done = s_registered.GetOrCreateValue(runspace);
        lock (done)
        {
            if (done.Contains(name))
            {
                return name;
            }

            if (done.Count >= MaxViews)
            {
                return null;
            }
        }

        try
        {
            bool present = iss.Formats.Any(f => f.FormatData?.TypeName == name);
            if (!present)
            {
                var view = new FormatViewDefinition(name, _table(lead));
                iss.Formats.Add(new SessionStateFormatEntry(new ExtendedTypeDefinition(name, new[] { view })));
            }

            _cmdlet.InvokeCommand.InvokeScript("Microsoft.PowerShell.Utility\\Update-FormatData");
        }
        catch (Exception ex) when (ex is RuntimeException or InvalidOperationException or ArgumentException)
        {
            // The rows then show in the format file's table of the results alone.
            _cmdlet.WriteVerbose($"The table view for {name} could not be registered: {ex.Message}");
            return null;
        }

        lock (done)
        {
            done.Add(name);
        }

        return name;
    }

    private static TableRowDefinitionBuilder Table(string[] lead, params string[] results)
    {
        TableControlBuilder table = TableControl.Create(false, false, false);
        foreach (string column in lead)
        {
            table = table.AddHeader(Alignment.Undefined, 0, column);
        }

        foreach (string result in results)
        {
            bool number = result is OutputProperty.ScoreToThreshold or OutputProperty.Score or OutputProperty.ReconstructionError;
            table = table.AddHeader(number ? Alignment.Right : Alignment.Undefined, 0, result);
        }

        TableRowDefinitionBuilder row = table.StartRowDefinition(false, null, null);
        foreach (string column in lead)
        {
            row = row.AddPropertyColumn(column, Alignment.Undefined, null);
        }

        return row;
    }
}
