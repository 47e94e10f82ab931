using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// -ModelNameProperty: a fleet in one call. -Model takes several models, and each row is scored by the model whose
/// Name is the row's value in that column (its host, say). Each model scores its rows exactly as the command does
/// with that model alone (<see cref="RowRouter"/>): in its own batches, with its own threshold, window and errors.
/// </summary>
public abstract partial class ScoringCommand
{
    private RowRouter? _fleet;

    /// <summary>
    /// The column that names each row's model: the row is scored by the model in -Model whose Name is its value
    /// (compared as text, ignoring case). A row whose value names no model is an error; the others go on.
    /// </summary>
    [Parameter(ParameterSetName = PipelineSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ColumnNameCompleter))]
    public string? ModelNameProperty { get; set; }

    /// <summary>True when the rows go to the models of a fleet, so this command scores none itself.</summary>
    private protected bool ScoresFleet => _fleet is not null;

    /// <summary>
    /// Checks -Model: one model, or several with -ModelNameProperty; then starts routing rows when a fleet is
    /// given. Returns true when it did (the command then scores nothing itself).
    /// </summary>
    private bool BeginFleet()
    {
        if (ModelNameProperty is null)
        {
            if (Model.Length != 1)
            {
                ThrowFleetError(
                    Model.Length == 0 ? "-Model was given no model." : $"-Model was given {Model.Length} models; several models score rows only with -ModelNameProperty, which names the column that holds each row's model name.",
                    "SeveralModels",
                    "Give one model, or score a fleet: Import-Csv fleet.csv | Test-AEAnomaly -Model (Import-AEModel ./models/*.aemodel) -ModelNameProperty host");
            }

            return false;
        }

        if (StatePath is not null)
        {
            ThrowFleetError("-StatePath keeps the state of one model's stream and cannot be used with -ModelNameProperty.", "StatePathWithFleet", "Score each model's rows in its own call with its own -StatePath.");
        }

        var byName = new Dictionary<string, AEModel>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Model.Length; i++)
        {
            AEModel model = Model[i];
            if (string.IsNullOrWhiteSpace(model.Name))
            {
                ThrowFleetError($"Model {i + 1} of {Model.Length} has no Name, so no row can name it.", "ModelWithoutName", "Name each model: Invoke-AETraining -Name web01 (or -GroupProperty host), or $model.Name = 'web01'. Models imported from files are named after them.");
            }

            if (!byName.TryAdd(model.Name!.Trim(), model))
            {
                ThrowFleetError($"Two models in -Model are named '{model.Name}': a row could not tell which one scores it.", "DuplicateModelName", "Give each model its own Name.");
            }

            if (!model.IsTrained)
            {
                ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), model));
            }
        }

        string names = string.Join(", ", byName.Keys.Take(10)) + (byName.Count > 10 ? ", ..." : string.Empty);
        _fleet = new RowRouter(
            this,
            nameof(ModelNameProperty),
            ModelNameProperty,
            new[] { nameof(Model) },
            key => byName.TryGetValue(key, out AEModel? model) ? new Dictionary<string, object?> { [nameof(Model)] = model } : null,
            (row, key, input) => new ErrorRecord(
                new ArgumentException($"Row {row}: no model is named '{key}' (the row's value in column '{ModelNameProperty}'), so the row was not scored. The models are named {names}."),
                "NoModelForRow",
                ErrorCategory.ObjectNotFound,
                input));
        return true;
    }

    /// <summary>Sends the row to its model when a fleet is scored; returns true when it did.</summary>
    private bool RouteToFleet()
    {
        _fleet?.Route(InputObject);
        return _fleet is not null;
    }

    /// <summary>Ends every model's scoring when a fleet is scored; returns true when it did.</summary>
    private bool EndFleet()
    {
        _fleet?.End();
        return _fleet is not null;
    }

    private void ThrowFleetError(string message, string errorId, string action) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, Model)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = action },
        });
}
