using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>The checks before Export-AEModel writes a file, with its error records; the writing itself is the engine's (atomic).</summary>
internal static class TargetFiles
{
    /// <summary>
    /// Stops with a terminating error when <paramref name="file"/> is a folder, its folder does not exist, or it exists
    /// and <paramref name="force"/> is not set; answers whether it exists.
    /// </summary>
    internal static bool Check(PSCmdlet cmdlet, string file, bool force)
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

    /// <summary>Clears the read-only attribute of an existing <paramref name="file"/>, which -Force replaces too.</summary>
    internal static void MakeWritable(string file)
    {
        var info = new FileInfo(file);
        if (info.Exists && info.IsReadOnly)
        {
            info.IsReadOnly = false;
        }
    }
}
