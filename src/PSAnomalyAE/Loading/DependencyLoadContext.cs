using System.Reflection;
using System.Runtime.Loader;

namespace PSAnomalyAE.Loading;

/// <summary>
/// The module's own load context. It holds the engine, TorchSharp and TorchSharp's managed dependencies from the
/// module's dependencies folder, so another module's copies of them cannot clash with ours. Native libraries
/// (libtorch, LibTorchSharp, SkiaSharp) are found here by name: in the same folder when the module was built with
/// them, else in the platform's runtime module (<see cref="NativeRuntimeFolder"/>).
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly Lazy<DependencyLoadContext> s_instance = new(() => new DependencyLoadContext(ModuleInitializer.DependencyDirectory));
    private readonly string _directory;

    private DependencyLoadContext(string directory)
        : base("PSAnomalyAE", isCollectible: false)
    {
        _directory = directory;
    }

    internal static DependencyLoadContext Instance => s_instance.Value;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Framework assemblies (System.*) are not in the folder and come from the default context.
        string candidate = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        // The module's own folder first (a module built with its natives), then the platform's runtime module.
        foreach (string folder in new[] { _directory, NativeRuntimeFolder.Find() }.OfType<string>())
        {
            foreach (string file in CandidateFileNames(unmanagedDllName))
            {
                string full = Path.Combine(folder, file);
                if (File.Exists(full))
                {
                    return LoadUnmanagedDllFromPath(full);
                }
            }
        }

        return IntPtr.Zero;
    }

    private static IEnumerable<string> CandidateFileNames(string name)
    {
        yield return name;
        string ext = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        if (!name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
        {
            yield return name + ext;
        }

        if (!OperatingSystem.IsWindows() && !name.StartsWith("lib", StringComparison.Ordinal))
        {
            yield return "lib" + name + ext;
            yield return "lib" + name;
        }
    }
}
