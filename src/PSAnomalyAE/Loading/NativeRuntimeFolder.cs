using System.Runtime.InteropServices;

namespace PSAnomalyAE.Loading;

/// <summary>
/// Where this platform's native libraries are. A module built on this machine has them in its dependencies folder;
/// a published one gets them from its platform's runtime module, PSAnomalyAE.Runtime.&lt;rid&gt; of the same version,
/// installed beside it (on first use, see Internal/RuntimeInstaller.cs) or anywhere on PSModulePath.
/// </summary>
internal static class NativeRuntimeFolder
{
    private static string? s_found;

    /// <summary>The platform, as the runtime modules are named: linux-x64, win-x64, osx-arm64.</summary>
    internal static string Rid =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>The module that holds this platform's native libraries.</summary>
    internal static string ModuleName => "PSAnomalyAE.Runtime." + Rid;

    /// <summary>The module's version, which its runtime module's must equal.</summary>
    internal static string Version => typeof(NativeRuntimeFolder).Assembly.GetName().Version!.ToString(3);

    /// <summary>LibTorchSharp's file name on this platform: what marks a folder as holding the natives.</summary>
    internal static string MarkerFile =>
        OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";

    /// <summary>The folder holding the natives, or null when neither the module nor a runtime module has them.</summary>
    internal static string? Find()
    {
        if (s_found is not null)
        {
            return s_found;
        }

        foreach (string folder in Candidates())
        {
            if (File.Exists(Path.Combine(folder, MarkerFile)))
            {
                return s_found = folder;
            }
        }

        return null;
    }

    private static IEnumerable<string> Candidates()
    {
        yield return ModuleInitializer.DependencyDirectory;
        var roots = new List<string>();
        if (Internal.ModuleSearchPath.ModulesRoot() is { } own)
        {
            roots.Add(own.FullName);
        }

        roots.AddRange((Environment.GetEnvironmentVariable("PSModulePath") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        foreach (string root in roots)
        {
            yield return Path.Combine(root, ModuleName, Version, "native");
        }
    }
}
