namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// Writes a whole file through a temporary file in the same folder, so readers never see half a file: the temporary
/// file is written, flushed to disk and renamed over the target. A failure at any point deletes the temporary file
/// and leaves an existing file untouched.
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
        if (!overwrite && File.Exists(full))
        {
            throw new IOException($"The file '{full}' already exists.");
        }

        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
