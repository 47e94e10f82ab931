using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace PSAnomalyAE.Loading;

/// <summary>
/// Runs at Import-Module. It only hooks assembly resolution so that the engine (and with it TorchSharp) loads in
/// the module's own load context on first use; libtorch itself is not touched here.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    internal const string EngineAssemblyName = "PSAnomalyAE.Engine";

    internal static readonly string DependencyDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

    public void OnImport()
    {
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
        Internal.ModuleSearchPath.OnImport();
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        Internal.ModuleSearchPath.OnRemove();
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal)
            ? DependencyLoadContext.Instance.LoadFromAssemblyName(name)
            : null;
}
