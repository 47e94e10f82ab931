using System.Diagnostics;
using PSAnomalyAE.Engine.Data;
using PSAnomalyAE.Engine.Persistence;
using Xunit;

namespace PSAnomalyAE.Engine.Tests;

/// <summary>
/// Paths that are not regular files (devices, FIFOs, symbolic links) and writes that fail half way: every reader
/// refuses the first two quickly, and the atomic writer never replaces them or leaves half of a pair.
/// </summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psae-hostile-").FullName;

    public void Dispose()
    {
        foreach (string file in Directory.EnumerateFileSystemEntries(_dir))
        {
            _ = Run("chattr", "-i", file);
        }

        Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> Readers => new() { "ModelFile", "ModelFileInfo", "SafeTensors", "PyTorchConfig", "ScoringState", "CsvRowSource" };

    [SkippableTheory]
    [MemberData(nameof(Readers))]
    public void A_fifo_is_refused_before_it_is_opened(string reader)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs are made with mkfifo on Linux");
        string fifo = Path.Combine(_dir, "pipe");
        Skip.IfNot(Run("mkfifo", fifo) == 0, "mkfifo is not available");
        var read = Task.Run(() => Read(reader, fifo));
        Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(20))).Wait();
        bool finished = read.IsCompleted;
        if (!finished)
        {
            using var unblock = new FileStream(fifo, FileMode.Open, FileAccess.Write); // lets the blocked open return
        }

        Assert.True(finished, $"{reader} blocked on a FIFO");
        Assert.IsAssignableFrom<IOException>(read.Exception?.InnerException);
        Assert.Contains("FIFO", read.Exception!.InnerException!.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Readers))]
    public void A_device_is_refused_without_reading_it(string reader)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/dev/zero is Linux's");
        var watch = Stopwatch.StartNew();
        var ex = Assert.ThrowsAny<IOException>(() => Read(reader, "/dev/zero"));
        Assert.Contains("is a device, not a regular file", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{reader} took {watch.Elapsed} to refuse /dev/zero");
    }

    [Fact]
    public void A_directory_is_not_read_as_a_file()
    {
        Assert.ThrowsAny<IOException>(() => RegularFile.ReadAll(_dir, 100, _ => new InvalidOperationException()));
        Assert.Equal(RegularFile.Kind.Directory, RegularFile.KindOf(_dir));
    }

    [Fact]
    public void A_read_stops_at_the_limit_the_caller_gives()
    {
        string file = Path.Combine(_dir, "long.bin");
        File.WriteAllBytes(file, new byte[1000]);
        var ex = Assert.Throws<InvalidDataException>(() => RegularFile.ReadAll(file, 999, length => new InvalidDataException($"{length}")));
        Assert.Equal("1000", ex.Message);
        Assert.Equal(1000, RegularFile.ReadAll(file, 1000, _ => new InvalidDataException()).Length);
    }

    [SkippableTheory]
    [InlineData("fifo")]
    [InlineData("device")]
    public void The_atomic_writer_refuses_a_node_that_is_not_a_regular_file(string kind)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the nodes are made with mkfifo and mknod on Linux");
        string node = Path.Combine(_dir, "node");
        int made = kind == "fifo" ? Run("mkfifo", node) : Run("mknod", node, "c", "1", "3"); // a private node like /dev/null
        Skip.IfNot(made == 0, $"a {kind} cannot be made here");
        var ex = Assert.ThrowsAny<IOException>(() => AtomicFile.Write(node, new byte[] { 1, 2, 3 }));
        Assert.Contains("not a regular file", ex.Message, StringComparison.Ordinal);
        Assert.Equal(kind == "fifo" ? RegularFile.Kind.Fifo : RegularFile.Kind.Device, RegularFile.KindOf(node, followLinks: false));
        Assert.Single(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void The_atomic_writer_replaces_a_symbolic_link_and_leaves_its_target()
    {
        string target = Path.Combine(_dir, "target.bin");
        File.WriteAllText(target, "keep me");
        string link = Path.Combine(_dir, "link.bin");
        File.CreateSymbolicLink(link, target);
        AtomicFile.Write(link, new byte[] { 1, 2, 3 });
        Assert.Equal("keep me", File.ReadAllText(target));
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(link));
    }

    [Fact]
    public void A_pair_is_written_whole()
    {
        string first = Path.Combine(_dir, "w.safetensors");
        string second = Path.Combine(_dir, "w.json");
        File.WriteAllText(first, "old weights");
        AtomicFile.WritePair(first, "new weights"u8.ToArray(), second, "new config"u8.ToArray());
        Assert.Equal("new weights", File.ReadAllText(first));
        Assert.Equal("new config", File.ReadAllText(second));
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(_dir).Count());
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void When_the_second_rename_fails_the_first_file_is_put_back(bool firstExisted)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "an immutable file is made with chattr on Linux");
        string first = Path.Combine(_dir, "w.safetensors");
        string second = Path.Combine(_dir, "w.json");
        if (firstExisted)
        {
            File.WriteAllText(first, "old weights");
        }

        File.WriteAllText(second, "old config");
        Skip.IfNot(Run("chattr", "+i", second) == 0, "chattr +i needs root and a file system that supports it");

        Assert.ThrowsAny<Exception>(() => AtomicFile.WritePair(first, "new weights"u8.ToArray(), second, "new config"u8.ToArray()));
        Assert.Equal("old config", File.ReadAllText(second));
        if (firstExisted)
        {
            Assert.Equal("old weights", File.ReadAllText(first));
        }
        else
        {
            Assert.False(File.Exists(first));
        }

        Assert.Equal(firstExisted ? 2 : 1, Directory.EnumerateFileSystemEntries(_dir).Count());
    }

    private static void Read(string reader, string path)
    {
        switch (reader)
        {
            case "ModelFile": ModelFile.Load(path); break;
            case "ModelFileInfo": ModelFileInfo.Read(path); break;
            case "SafeTensors": SafeTensors.Read(path); break;
            case "PyTorchConfig": PyTorchConfig.Load(path); break;
            case "ScoringState": ScoringState.Load(path); break;
            default: CsvRowSource.Open(path).Dispose(); break;
        }
    }

    private static int Run(string file, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
