using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>Resolves provider paths (relative, ~, PSDrive) to file-system paths, and only file-system paths.</summary>
internal static class FileSystemPaths
{
    /// <summary>The file-system path a file will be written to; it need not exist yet. Wildcards are not expanded.</summary>
    internal static string ForWrite(PSCmdlet cmdlet, string path)
    {
        string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        RequireFileSystem(cmdlet, provider, path);
        return resolved;
    }

    /// <summary>
    /// The files <paramref name="paths"/> name (wildcards unless <paramref name="literal"/>), in order. A path that
    /// names nothing gets a non-terminating error with <paramref name="notFoundId"/>, and the others still come.
    /// </summary>
    internal static IEnumerable<string> EachForRead(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, string notFoundId)
    {
        foreach (string given in paths)
        {
            IReadOnlyList<string> files;
            try
            {
                files = ForRead(cmdlet, given, literal);
            }
            catch (ItemNotFoundException ex)
            {
                cmdlet.WriteError(new ErrorRecord(ex, notFoundId, ErrorCategory.ObjectNotFound, given));
                continue;
            }

            foreach (string file in files)
            {
                yield return file;
            }
        }
    }

    /// <summary>The existing files <paramref name="path"/> names: wildcards expanded unless <paramref name="literal"/>.</summary>
    internal static IReadOnlyList<string> ForRead(PSCmdlet cmdlet, string path, bool literal)
    {
        ProviderInfo provider;
        IReadOnlyList<string> resolved;
        if (literal)
        {
            resolved = new[] { cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _) };
        }
        else
        {
            resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out provider).ToArray();
        }

        RequireFileSystem(cmdlet, provider, path);
        return resolved;
    }

    private static void RequireFileSystem(PSCmdlet cmdlet, ProviderInfo provider, string path)
    {
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException($"'{path}' is on the {provider.Name} provider; model files must be on the file system."),
                "UnsupportedProvider",
                ErrorCategory.InvalidArgument,
                path));
        }
    }
}

/// <summary>Writes a picture a cmdlet was asked for with -PlotPath, under -WhatIf/-Confirm, with the module's error records.</summary>
internal static class PlotOutput
{
    /// <summary>
    /// Before the work starts: stops with a terminating error when <paramref name="plotPath"/> does not end in .png or
    /// .svg, or could not be written (<see cref="TargetFiles.CheckOutput"/>), so a wrong path is not found only after training.
    /// </summary>
    internal static void Check(PSCmdlet cmdlet, string plotPath)
    {
        string path = FileSystemPaths.ForWrite(cmdlet, plotPath);
        try
        {
            PSAnomalyAE.Engine.Plots.TrainingHistoryPlot.CheckPath(path);
        }
        catch (PSAnomalyAE.Engine.AnomalyDetectionException ex)
        {
            cmdlet.ThrowTerminatingError(Errors.From(ex, plotPath));
        }

        TargetFiles.CheckOutput(cmdlet, path);
    }

    /// <summary>Resolves <paramref name="plotPath"/>, asks ShouldProcess, and calls <paramref name="draw"/>; returns the path written, or null.</summary>
    internal static string? Write(PSCmdlet cmdlet, string plotPath, string action, Action<string> draw)
    {
        string path = FileSystemPaths.ForWrite(cmdlet, plotPath);
        if (!cmdlet.ShouldProcess(path, action))
        {
            return null;
        }

        try
        {
            draw(path);
        }
        catch (PSAnomalyAE.Engine.AnomalyDetectionException ex)
        {
            cmdlet.ThrowTerminatingError(Errors.From(ex, path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(Errors.Io(ex, "PlotWriteFailed", ErrorCategory.WriteError, path));
        }

        cmdlet.WriteVerbose($"Wrote {path}.");
        return path;
    }
}
