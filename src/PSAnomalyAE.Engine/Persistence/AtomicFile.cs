namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// Writes a whole file through a temporary file in the same folder, so readers never see half a file: the temporary
/// file is written, flushed to disk and renamed over the target. A failure at any point deletes the temporary file
/// and leaves an existing file untouched. The target must be a regular file or not exist: a device, a FIFO, a socket
/// or a directory is refused before anything is written; a symbolic link is replaced by the new file, and the file it
/// pointed to is left as it was.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, replacing an existing file.</summary>
    public static void Write(string path, byte[] bytes) => Write(path, file => file.Write(bytes), overwrite: true);

    /// <summary>
    /// Writes the file at <paramref name="path"/> with <paramref name="write"/>, which is given the temporary file's
    /// stream. Without <paramref name="overwrite"/> an existing file is an <see cref="IOException"/>, before anything is written.
    /// </summary>
    public static void Write(string path, Action<Stream> write, bool overwrite = true)
    {
        string full = Path.GetFullPath(path);
        CheckTarget(full, overwrite);
        string temp = WriteTemporary(full, write);
        try
        {
            File.Move(temp, full, overwrite);
        }
        finally
        {
            DeleteIfThere(temp);
        }
    }

    /// <summary>
    /// Writes two files as a pair, so that both are replaced or neither is: both temporary files are written and flushed
    /// first (a full disk or any other write failure leaves both old files untouched), then each is renamed over its
    /// target. Should the second rename fail, the first file is put back from a copy of the old one made beforehand (or
    /// removed, when there was none). Only a crash between the two renames can leave the new first file beside the old
    /// second one.
    /// </summary>
    public static void WritePair(string firstPath, byte[] first, string secondPath, byte[] second)
    {
        string firstFull = Path.GetFullPath(firstPath);
        string secondFull = Path.GetFullPath(secondPath);
        CheckTarget(firstFull, overwrite: true);
        CheckTarget(secondFull, overwrite: true);
        string? firstTemp = null;
        string? secondTemp = null;
        string? backup = null;
        try
        {
            firstTemp = WriteTemporary(firstFull, file => file.Write(first));
            secondTemp = WriteTemporary(secondFull, file => file.Write(second));
            backup = BackUp(firstFull);
            File.Move(firstTemp, firstFull, overwrite: true);
            try
            {
                File.Move(secondTemp, secondFull, overwrite: true);
            }
            catch
            {
                Restore(firstFull, backup);
                throw;
            }
        }
        finally
        {
            foreach (string? leftOver in new[] { firstTemp, secondTemp, backup })
            {
                DeleteIfThere(leftOver);
            }
        }
    }

    private static void CheckTarget(string full, bool overwrite)
    {
        if (!overwrite && (File.Exists(full) || Directory.Exists(full)))
        {
            throw new IOException($"The file '{full}' already exists.");
        }

        RegularFile.RequireReplaceable(full);
    }

    // Writes a temporary file beside `full` and flushes it to disk; returns its path. A failure deletes it.
    private static string WriteTemporary(string full, Action<Stream> write)
    {
        string temp = TemporaryName(full, "tmp");
        try
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(file);
            file.Flush(flushToDisk: true);
            return temp;
        }
        catch
        {
            DeleteIfThere(temp);
            throw;
        }
    }

    // A copy of the file (or of the link) at `full` to put back later; null when there is none.
    private static string? BackUp(string full)
    {
        var info = new FileInfo(full);
        if (info.LinkTarget is { } target)
        {
            string link = TemporaryName(full, "old");
            File.CreateSymbolicLink(link, target);
            return link;
        }

        if (!info.Exists)
        {
            return null;
        }

        string copy = TemporaryName(full, "old");
        File.Copy(full, copy);
        return copy;
    }

    private static void Restore(string full, string? backup)
    {
        if (backup is null)
        {
            DeleteIfThere(full);
        }
        else
        {
            File.Move(backup, full, overwrite: true);
        }
    }

    private static string TemporaryName(string full, string suffix) =>
        Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + "." + suffix);

    private static void DeleteIfThere(string? path)
    {
        if (path is not null && (File.Exists(path) || new FileInfo(path).LinkTarget is not null))
        {
            File.Delete(path);
        }
    }
}
