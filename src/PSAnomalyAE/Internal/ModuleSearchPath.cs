namespace PSAnomalyAE.Internal;

/// <summary>
/// Makes a module imported by path findable in the other runspaces and processes of this session: the runspaces
/// of ForEach-Object -Parallel and Start-ThreadJob, and the processes of Start-Job, start without the session's
/// modules and find commands only through PSModulePath. When the module's folder is not on it, its parent folder is
/// appended to this process's PSModulePath (last, so installed modules still win) at import and taken off at removal.
/// </summary>
internal static class ModuleSearchPath
{
    private static string? s_added;

    /// <summary>
    /// The folder that holds the module's folder (&lt;root&gt;/PSAnomalyAE/PSAnomalyAE.dll or
    /// &lt;root&gt;/PSAnomalyAE/&lt;version&gt;/PSAnomalyAE.dll), where installed modules sit side by side; null otherwise.
    /// </summary>
    internal static DirectoryInfo? ModulesRoot()
    {
        string? moduleFolder = Path.GetDirectoryName(typeof(ModuleSearchPath).Assembly.Location);
        if (moduleFolder is null)
        {
            return null;
        }

        DirectoryInfo folder = new(moduleFolder);
        if (!string.Equals(folder.Name, "PSAnomalyAE", StringComparison.OrdinalIgnoreCase) && Version.TryParse(folder.Name, out _))
        {
            folder = folder.Parent!;
        }

        return string.Equals(folder.Name, "PSAnomalyAE", StringComparison.OrdinalIgnoreCase) ? folder.Parent : null;
    }

    internal static void OnImport()
    {
        if (ModulesRoot() is not { } root)
        {
            return;
        }

        string current = Environment.GetEnvironmentVariable("PSModulePath") ?? "";
        string[] entries = current.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        StringComparison comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (entries.Any(e => string.Equals(Path.TrimEndingDirectorySeparator(e), Path.TrimEndingDirectorySeparator(root.FullName), comparison)))
        {
            return;
        }

        Environment.SetEnvironmentVariable("PSModulePath", current.Length == 0 ? root.FullName : current + Path.PathSeparator + root.FullName);
        s_added = root.FullName;
    }

    internal static void OnRemove()
    {
        if (s_added is null)
        {
            return;
        }

        string current = Environment.GetEnvironmentVariable("PSModulePath") ?? "";
        Environment.SetEnvironmentVariable(
            "PSModulePath",
            string.Join(Path.PathSeparator, current.Split(Path.PathSeparator).Where(e => e != s_added)));
        s_added = null;
    }
}
