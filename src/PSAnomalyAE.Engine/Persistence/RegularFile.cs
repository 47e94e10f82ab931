using System.Runtime.InteropServices;

namespace PSAnomalyAE.Engine.Persistence;

/// <summary>
/// Reads files as regular files only. A device (/dev/zero never ends), a FIFO (opening one waits for a writer,
/// forever), a socket or a directory is an <see cref="IOException"/> before the file is opened, and a read stops at
/// a limit the caller gives rather than trusting the length the file system reports.
/// </summary>
public static class RegularFile
{
    /// <summary>What kind of file system entry a path names.</summary>
    public enum Kind
    {
        /// <summary>Nothing exists at the path.</summary>
        Missing,

        /// <summary>A regular file.</summary>
        Regular,

        /// <summary>A directory.</summary>
        Directory,

        /// <summary>A symbolic link (only when links are not followed).</summary>
        SymbolicLink,

        /// <summary>A character or block device.</summary>
        Device,

        /// <summary>A FIFO (named pipe).</summary>
        Fifo,

        /// <summary>A socket.</summary>
        Socket,
    }

    /// <summary>
    /// The kind of entry at <paramref name="path"/>; with <paramref name="followLinks"/> a symbolic link answers for
    /// the file it points to (a dangling link is <see cref="Kind.Missing"/>).
    /// </summary>
    public static Kind KindOf(string path, bool followLinks = true)
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                var status = default(UnixStatus);
                int failed = followLinks ? UnixStat(path, out status) : UnixLStat(path, out status);
                return failed != 0 ? Kind.Missing : FromMode(status.Mode);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // The runtime's own native shim is always there; this is only a fallback to the managed view.
            }
        }

        var info = new FileInfo(path);
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Kind.Missing;
        }

        return !followLinks && info.LinkTarget is not null ? Kind.SymbolicLink
            : (attributes & FileAttributes.Directory) != 0 ? Kind.Directory
            : (attributes & FileAttributes.Device) != 0 ? Kind.Device
            : Kind.Regular;
    }

    /// <summary>
    /// Throws <see cref="FileNotFoundException"/> when nothing is at <paramref name="path"/>, and <see cref="IOException"/>
    /// when it is not a regular file (a link to a regular file is fine).
    /// </summary>
    internal static void Require(string path)
    {
        Kind kind = KindOf(path);
        if (kind == Kind.Missing)
        {
            throw new FileNotFoundException($"The file '{path}' does not exist.", path);
        }

        if (kind != Kind.Regular)
        {
            throw new IOException($"'{path}' is {Describe(kind)}, not a regular file; only regular files are read.");
        }
    }

    /// <summary>Opens a regular file for reading, after <see cref="Require"/>.</summary>
    internal static FileStream OpenRead(string path)
    {
        Require(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>
    /// Reads the whole regular file at <paramref name="path"/>, at most <paramref name="maxBytes"/> bytes; a longer file is
    /// the exception <paramref name="tooLong"/> makes from its length. A file that shrinks while read gives what it had.
    /// </summary>
    internal static byte[] ReadAll(string path, long maxBytes, Func<long, Exception> tooLong)
    {
        using FileStream file = OpenRead(path);
        long length = file.Length;
        if (length > maxBytes)
        {
            throw tooLong(length);
        }

        var bytes = new byte[length];
        int read = file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        return read == bytes.Length ? bytes : bytes[..read];
    }

    /// <summary>
    /// Throws <see cref="IOException"/> when <paramref name="path"/> exists and is neither a regular file nor a symbolic
    /// link: a writer that renames over its target must not replace a device, a FIFO, a socket or a directory.
    /// </summary>
    internal static void RequireReplaceable(string path)
    {
        Kind kind = KindOf(path, followLinks: false);
        if (kind is not (Kind.Missing or Kind.Regular or Kind.SymbolicLink))
        {
            throw new IOException($"'{path}' is {Describe(kind)}, not a regular file; it is not replaced.");
        }
    }

    /// <summary>How an error names a kind of entry: "a directory", "a FIFO (named pipe)".</summary>
    public static string Describe(Kind kind) => kind switch
    {
        Kind.Directory => "a directory",
        Kind.Device => "a device",
        Kind.Fifo => "a FIFO (named pipe)",
        Kind.Socket => "a socket",
        Kind.SymbolicLink => "a symbolic link",
        Kind.Missing => "missing",
        _ => "a regular file",
    };

    // The file type bits of st_mode, as the runtime's shim reports them (the POSIX values).
    private static Kind FromMode(int mode) => (mode & 0xF000) switch
    {
        0x8000 => Kind.Regular,
        0x4000 => Kind.Directory,
        0xA000 => Kind.SymbolicLink,
        0x1000 => Kind.Fifo,
        0xC000 => Kind.Socket,
        _ => Kind.Device,
    };

    // The .NET runtime's own stat shim (libSystem.Native, shipped with every runtime; System.IO uses it). Its status
    // record starts with flags and st_mode; the rest of the record is left to the padding, larger than the record.
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int UnixStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out UnixStatus status);

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int UnixLStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out UnixStatus status);

    [StructLayout(LayoutKind.Sequential, Size = 512)]
    private struct UnixStatus
    {
        public int Flags;
        public int Mode;
    }
}
