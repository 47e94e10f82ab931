using System.Management.Automation;
using PSAnomalyAE.Engine.Persistence;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The checks before a cmdlet writes a file (Export-AEModel's model, -PlotPath, -StatePath), with their error
/// records; the writing itself is the engine's (atomic).
/// </summary>
internal static class TargetFiles
{
    /// <summary>
    /// Stops with a terminating error when <paramref name="file"/> is a folder or another entry that is not a regular
    /// file (a device, a FIFO, a socket), its folder does not exist, or it exists and <paramref name="force"/> is not
    /// set; answers whether it exists.
    /// </summary>
    internal static bool Check(PSCmdlet cmdlet, string file, bool force)
    {
        RequireWritableKind(cmdlet, file);
        if (!File.Exists(file))
        {
            return false;
        }

        if (!force)
        {
            cmdlet.ThrowTerminatingError(Errors.Io(
                new IOException($"The file '{file}' already exists. Use -Force to replace it."),
                "ModelFileExists",
                ErrorCategory.ResourceExists,
                file));
        }

        return true;
    }

    /// <summary>
    /// For a file a cmdlet writes when its work is done (-PlotPath, -StatePath): stops with a terminating error before
    /// the work starts when the file could not be written then. It must not be a folder or another entry that is not a
    /// regular file, its folder must exist, and the folder must take a new file (which is tried, unless under -WhatIf).
    /// </summary>
    internal static void CheckOutput(PSCmdlet cmdlet, string file)
    {
        RequireWritableKind(cmdlet, file);
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? whatIf) && whatIf is SwitchParameter { IsPresent: true })
        {
            return;
        }

        string folder = Path.GetDirectoryName(file) ?? ".";
        string probe = Path.Combine(folder, "." + Path.GetFileName(file) + "." + Guid.NewGuid().ToString("N")[..8] + ".probe");
        try
        {
            using var created = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(Errors.Io(
                new IOException($"'{file}' cannot be written: the folder '{folder}' does not take new files ({ex.Message})", ex),
                "FolderNotWritable",
                ErrorCategory.PermissionDenied,
                file));
        }
    }

    /// <summary>
    /// Clears the read-only attribute of an existing <paramref name="file"/>, which -Force replaces too. A symbolic link
    /// is left alone: the link is replaced, and the file it points to is not changed.
    /// </summary>
    internal static void MakeWritable(string file)
    {
        var info = new FileInfo(file);
        if (info.Exists && info.LinkTarget is null && info.IsReadOnly)
        {
            info.IsReadOnly = false;
        }
    }

    private static void RequireWritableKind(PSCmdlet cmdlet, string file)
    {
        if (Directory.Exists(file))
        {
            cmdlet.ThrowTerminatingError(Errors.Io(new IOException($"'{file}' is a directory; give a file name."), "PathIsDirectory", ErrorCategory.InvalidArgument, file));
        }

        string? folder = Path.GetDirectoryName(file);
        if (folder is not null && !Directory.Exists(folder))
        {
            cmdlet.ThrowTerminatingError(Errors.Io(new DirectoryNotFoundException($"The folder '{folder}' does not exist."), "FolderNotFound", ErrorCategory.ObjectNotFound, file));
        }

        RegularFile.Kind kind = RegularFile.KindOf(file, followLinks: false);
        if (kind is not (RegularFile.Kind.Missing or RegularFile.Kind.Regular or RegularFile.Kind.SymbolicLink))
        {
            cmdlet.ThrowTerminatingError(Errors.Io(
                new IOException($"'{file}' is {RegularFile.Describe(kind)}, not a regular file; it is not replaced."),
                "NotARegularFile",
                ErrorCategory.InvalidArgument,
                file));
        }
    }
}
