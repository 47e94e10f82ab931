using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSAnomalyAE.Internal;

/// <summary>
/// Tab completion of column names (-Property, -ExcludeProperty, -CategoricalProperty, -LabelProperty,
/// -TimestampProperty, -GroupProperty, -ModelNameProperty) from the model given to -Model (its features and the
/// columns it was told to leave out) and from the header of a CSV file named earlier in the pipeline.
/// PowerShell evaluates a bound variable for completers only in some cases, so a -Model argument that is a plain
/// variable ($model) is read from the session when the bound value is missing.
/// </summary>
public sealed class ColumnNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new List<(string Name, string Tip)>();
        if (ModelFrom(fakeBoundParameters, commandAst) is { } model)
        {
            AddModelColumns(names, model);
        }

        // Before any model exists (the first training): the header of a CSV file named earlier in the pipeline.
        foreach ((string column, string file) in PipelineCsvColumns.Of(commandAst))
        {
            names.Add((column, $"column of {file}"));
        }

        string word = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        HashSet<string> already = AlreadyGiven(commandAst, parameterName);
        already.Remove(word);
        return names
            .DistinctBy(n => n.Name, StringComparer.OrdinalIgnoreCase)
            .Where(n => pattern.IsMatch(n.Name) && !already.Contains(n.Name))
            .Select(n => new CompletionResult(Quote(n.Name), n.Name, CompletionResultType.ParameterValue, n.Tip))
            .ToList();
    }

    private static void AddModelColumns(List<(string Name, string Tip)> names, AEModel model)
    {
        foreach (string f in model.FeatureNames)
        {
            names.Add((f, "feature of the model"));
        }

        if (model.Engine.Spec.TimestampProperty is { } time)
        {
            names.Add((time, "the model's timestamp column"));
        }

        foreach (string e in model.ExcludeProperty ?? Array.Empty<string>())
        {
            if (!FeatureSchema.HasWildcard(e))
            {
                names.Add((e, "left out of the model's features"));
            }
        }
    }

    private static AEModel? ModelFrom(IDictionary bound, CommandAst commandAst)
    {
        if (bound.Contains("Model") && FirstModel(bound["Model"]) is { } m)
        {
            return m;
        }

        // -Model $name: read the variable from the session.
        string? variable = null;
        var elements = commandAst.CommandElements;
        for (int i = 0; i < elements.Count; i++)
        {
            if (elements[i] is CommandParameterAst p && p.ParameterName.Equals("Model", StringComparison.OrdinalIgnoreCase))
            {
                Ast? argument = p.Argument ?? (i + 1 < elements.Count ? elements[i + 1] : null);
                if (argument is VariableExpressionAst v && v.VariablePath.IsVariable)
                {
                    variable = v.VariablePath.UserPath[(v.VariablePath.UserPath.IndexOf(':') + 1)..];
                }

                break;
            }
        }

        if (variable is null)
        {
            return null;
        }

        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand("Microsoft.PowerShell.Utility\\Get-Variable").AddParameter("Name", variable).AddParameter("ValueOnly").AddParameter("ErrorAction", "Ignore");
            return ps.Invoke().Select(o => FirstModel(o)).FirstOrDefault(o => o is not null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or PSInvalidOperationException or RuntimeException)
        {
            return null;
        }
    }

    private static HashSet<string> AlreadyGiven(CommandAst commandAst, string parameterName)
    {
        var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var elements = commandAst.CommandElements;
        for (int i = 0; i < elements.Count; i++)
        {
            // "-ExcludeProperty a, b, " parses as a list, or (with the trailing comma) as an error expression around one.
            if (elements[i] is CommandParameterAst p && p.ParameterName.Equals(parameterName, StringComparison.OrdinalIgnoreCase)
                && (p.Argument ?? (i + 1 < elements.Count ? elements[i + 1] : null)) is ArrayLiteralAst or ErrorExpressionAst)
            {
                Ast list = p.Argument ?? elements[i + 1];
                foreach (Ast e in list.FindAll(a => a is StringConstantExpressionAst, searchNestedScriptBlocks: false))
                {
                    given.Add(((StringConstantExpressionAst)e).Value);
                }
            }
        }

        return given;
    }

    private static object? Unwrap(object? value) => value is PSObject p ? p.BaseObject : value;

    /// <summary>The model, or the first of several (-Model $models, a fleet), in a bound value.</summary>
    private static AEModel? FirstModel(object? value) => Unwrap(value) switch
    {
        AEModel m => m,
        IEnumerable many and not string => many.Cast<object?>().Select(Unwrap).OfType<AEModel>().FirstOrDefault(),
        _ => null,
    };

    private static string Quote(string name) =>
        name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.') && !char.IsDigit(name[0]) && name[0] != '-'
            ? name
            : "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";
}
