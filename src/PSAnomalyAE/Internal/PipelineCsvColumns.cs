using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The column names of a CSV file named literally earlier in the pipeline being completed, read from its header:
/// Import-Csv ./normal.csv | Invoke-AETraining -ExcludeProperty &lt;Tab&gt; (also -LiteralPath, -Path, -Delimiter,
/// -UseCulture and -Header), and Get-Content ./normal.csv | ConvertFrom-Csv | ... . Nothing is run: the file's
/// first line is read, and only paths written as plain text count (a variable could hold anything).
/// </summary>
internal static class PipelineCsvColumns
{
    private static readonly string[] s_importCsv = { "Import-Csv", "ipcsv", "Microsoft.PowerShell.Utility\\Import-Csv" };
    private static readonly string[] s_getContent = { "Get-Content", "gc", "cat", "type", "Microsoft.PowerShell.Management\\Get-Content" };

    // Parameters of Import-Csv and Get-Content that take no argument (the others take one).
    private static readonly string[] s_switches = { "UseCulture", "Raw", "Wait", "Force", "AsByteStream" };

    /// <summary>The columns, each with the file it came from, of the CSV files named before <paramref name="command"/> in its pipeline.</summary>
    internal static IEnumerable<(string Name, string File)> Of(CommandAst command)
    {
        if (command.Parent is not PipelineAst pipeline)
        {
            yield break;
        }

        CommandAst[] earlier = pipeline.PipelineElements.TakeWhile(e => !ReferenceEquals(e, command)).OfType<CommandAst>().ToArray();
        foreach (CommandAst source in earlier)
        {
            string? name = source.GetCommandName();
            bool import = s_importCsv.Contains(name, StringComparer.OrdinalIgnoreCase);
            if (!import && !s_getContent.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            Dictionary<string, Ast?> named = Arguments(source, out Ast? positional);
            if (import && Literal(Get(named, "Header")) is { } header)
            {
                foreach (string h in header)
                {
                    yield return (h, "-Header");
                }

                continue;
            }

            bool literal = Get(named, "LiteralPath") is not null;
            string? path = Literal(Get(named, literal ? "LiteralPath" : "Path") ?? positional)?.FirstOrDefault();
            if (path is null || (!import && !path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            // Get-Content's lines are parsed by a ConvertFrom-Csv further on, with its own -Delimiter.
            CommandAst parser = import ? source : earlier.SkipWhile(e => !ReferenceEquals(e, source))
                .FirstOrDefault(e => string.Equals(e.GetCommandName(), "ConvertFrom-Csv", StringComparison.OrdinalIgnoreCase)) ?? source;
            Dictionary<string, Ast?> parsing = ReferenceEquals(parser, source) ? named : Arguments(parser, out _);
            char delimiter = Literal(Get(parsing, "Delimiter"))?.FirstOrDefault() is { Length: 1 } d ? d[0]
                : parsing.ContainsKey("UseCulture") ? CultureInfo.CurrentCulture.TextInfo.ListSeparator[0] : ',';
            if (Resolve(path, literal) is not { } file)
            {
                continue;
            }

            foreach (string column in Header(file, delimiter))
            {
                yield return (column, Path.GetFileName(file));
            }
        }
    }

    private static Ast? Get(Dictionary<string, Ast?> named, string parameter) =>
        named.FirstOrDefault(p => parameter.StartsWith(p.Key, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The named arguments of a command (parameter name as typed, and its argument) and its first positional one.</summary>
    private static Dictionary<string, Ast?> Arguments(CommandAst command, out Ast? positional)
    {
        var named = new Dictionary<string, Ast?>(StringComparer.OrdinalIgnoreCase);
        positional = null;
        var elements = command.CommandElements;
        for (int i = 1; i < elements.Count; i++)
        {
            if (elements[i] is CommandParameterAst p)
            {
                bool isSwitch = s_switches.Any(s => s.StartsWith(p.ParameterName, StringComparison.OrdinalIgnoreCase));
                Ast? argument = p.Argument ?? (!isSwitch && i + 1 < elements.Count && elements[i + 1] is not CommandParameterAst ? elements[++i] : null);
                named[p.ParameterName] = argument;
            }
            else
            {
                positional ??= elements[i];
            }
        }

        return named;
    }

    /// <summary>The text of a literal argument ('a.csv', a.csv, "a.csv", or a list of them); null for anything computed.</summary>
    private static string[]? Literal(Ast? argument) => argument switch
    {
        StringConstantExpressionAst s => new[] { s.Value },
        ExpandableStringExpressionAst { NestedExpressions.Count: 0 } e => new[] { e.Value },
        ArrayLiteralAst a when a.Elements.All(x => x is StringConstantExpressionAst) => a.Elements.Select(x => ((StringConstantExpressionAst)x).Value).ToArray(),
        _ => null,
    };

    /// <summary>The file a path names, resolved as the session would (current location, ~, drives); null when there is none.</summary>
    private static string? Resolve(string path, bool literal)
    {
        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand("Microsoft.PowerShell.Management\\Resolve-Path").AddParameter(literal ? "LiteralPath" : "Path", path).AddParameter("ErrorAction", "Ignore");
            return ps.Invoke().Select(o => o.BaseObject).OfType<PathInfo>()
                .Where(p => p.Provider.Name == "FileSystem" && File.Exists(p.ProviderPath)).Select(p => p.ProviderPath).FirstOrDefault();
        }
        catch (Exception ex) when (ex is InvalidOperationException or PSInvalidOperationException or RuntimeException)
        {
            return null;
        }
    }

    /// <summary>The column names in the first line of a CSV file (after Export-Csv's old #TYPE line), as Import-Csv reads them.</summary>
    private static IEnumerable<string> Header(string file, char delimiter)
    {
        string? line;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
            do
            {
                line = reader.ReadLine();
            }
            while (line is not null && line.StartsWith("#TYPE", StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }

        return line is null ? Array.Empty<string>() : Split(line, delimiter).Where(c => c.Length > 0);
    }

    private static List<string> Split(string line, char delimiter)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim());
        return fields;
    }
}
