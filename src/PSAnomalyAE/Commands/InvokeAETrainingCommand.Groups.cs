using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// -GroupProperty: one model per group in one call. The rows are split by the value of a column (the host, say)
/// and each group trains its own model, named after the value, with the same settings (<see cref="RowRouter"/>
/// runs this command once per group, so each model trains exactly as it would alone).
/// </summary>
public sealed partial class InvokeAETrainingCommand
{
    private RowRouter? _groups;

    /// <summary>
    /// Train one model per value of this column (such as host), each named after its value, with the same settings;
    /// the models are returned in the order their groups' first rows came.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string? GroupProperty { get; set; }

    protected override void ProcessRecord()
    {
        if (_groups is not null)
        {
            _groups.Route(InputObject);
            return;
        }

        base.ProcessRecord();
    }

    /// <summary>Starts splitting the rows into groups when -GroupProperty is given; returns true when it did.</summary>
    private bool BeginGroups()
    {
        if (GroupProperty is null)
        {
            return false;
        }

        (string Parameter, bool Given)[] conflicts =
        {
            (nameof(Name), Name is not null), (nameof(Continue), Continue.IsPresent), (nameof(PlotPath), PlotPath is not null),
        };
        foreach ((string parameter, bool given) in conflicts.Where(c => c.Given))
        {
            ThrowGroupError(
                $"-{parameter} cannot be used with -GroupProperty: each group trains its own new model, named after its value in column '{GroupProperty}'.",
                $"{parameter}WithGroupProperty",
                "Leave it out, or train each group in its own call: $rows | Where-Object host -EQ 'web01' | Invoke-AETraining -Name web01 ...");
        }

        if (Model is { IsTrained: true })
        {
            ThrowGroupError(
                "-Model with -GroupProperty must be an untrained model (New-AEModel): its settings are the template every group's model is trained with.",
                "TrainedModelWithGroupProperty",
                "Give the settings as parameters, or as New-AEModel ... | Invoke-AETraining -GroupProperty host.");
        }

        Native.EnsureLoaded(this);
        AEModel? template = Model;
        _groups = new RowRouter(
            this,
            nameof(GroupProperty),
            GroupProperty,
            Array.Empty<string>(),
            key => new Dictionary<string, object?>
            {
                [nameof(Name)] = key,
                [nameof(Model)] = template is null ? null : new AEModel(new AnomalyModel(template.Engine.Spec.Clone()) { Description = template.Description }),
            }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value),
            (_, _, _) => throw new InvalidOperationException("Every value of the group column starts a group."));
        return true;
    }

    /// <summary>Trains each group's model in turn, with progress per group; returns true when the rows were grouped.</summary>
    private bool EndGroups()
    {
        if (_groups is null)
        {
            return false;
        }

        var groups = _groups.Groups.ToList();
        if (groups.Count == 0)
        {
            ThrowGroupError("No rows were given to train on.", "NotEnoughData", "Pipe rows of normal data in, for example: Import-Csv normal.csv | Invoke-AETraining -GroupProperty host");
        }

        var progress = new Progress(this, 2, string.Create(CultureInfo.InvariantCulture, $"Training one model per {GroupProperty} ({groups.Count} models)"));
        try
        {
            _groups.End((i, key, rows) =>
            {
                string status = string.Create(CultureInfo.InvariantCulture, $"Model {i + 1} of {groups.Count}: {GroupProperty} '{key}', {rows:N0} rows");
                WriteVerbose(status);
                progress.Report(status, 100 * i / groups.Count, force: true);
            });
        }
        finally
        {
            progress.Complete();
        }

        return true;
    }

    private void ThrowGroupError(string message, string errorId, string action) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, GroupProperty)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = action },
        });
}
