using System.Management.Automation;
using System.Xml.Linq;
using PSAnomalyAE.Loading;

namespace PSAnomalyAE.Internal;

/// <summary>
/// Installs this platform's runtime module (libtorch and the other native libraries, PSAnomalyAE.Runtime.&lt;rid&gt;)
/// on first use, when the module was installed without it: from the repository PSAnomalyAE itself came from, the
/// same version, beside PSAnomalyAE (Save-PSResource into the folder that holds it), once. When that cannot be done
/// (offline, no write access), one terminating error says what to run instead.
/// </summary>
internal static class RuntimeInstaller
{
    /// <summary>Makes sure the native libraries are there, installing the runtime module when they are not.</summary>
    internal static void EnsureInstalled(PSCmdlet cmdlet)
    {
        if (NativeRuntimeFolder.Find() is not null)
        {
            return;
        }

        DirectoryInfo? root = ModuleSearchPath.ModulesRoot();
        string? repository = root is null ? null : InstalledFrom(Path.GetDirectoryName(typeof(RuntimeInstaller).Assembly.Location)!);
        if (root is null)
        {
            Fail(cmdlet, "this copy of PSAnomalyAE is not in a modules folder, so there is nowhere to install it beside it", null);
        }

        string from = repository is null ? "the registered repositories" : $"the repository '{repository}'";
        cmdlet.WriteWarning($"PSAnomalyAE needs its native runtime for {NativeRuntimeFolder.Rid} (libtorch), the module {NativeRuntimeFolder.ModuleName} {NativeRuntimeFolder.Version}. Installing it once, from {from}, beside PSAnomalyAE in {root!.FullName}.");
        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand("Microsoft.PowerShell.PSResourceGet\\Save-PSResource")
                .AddParameter("Name", NativeRuntimeFolder.ModuleName)
                .AddParameter("Version", NativeRuntimeFolder.Version)
                .AddParameter("Path", root.FullName)
                .AddParameter("IncludeXml")
                .AddParameter("TrustRepository")
                .AddParameter("Quiet")
                .AddParameter("ErrorAction", "Stop");
            if (repository is not null)
            {
                ps.AddParameter("Repository", repository);
            }

            ps.Invoke();
            if (ps.HadErrors && ps.Streams.Error.Count > 0)
            {
                Fail(cmdlet, ps.Streams.Error[0].ToString(), repository);
            }
        }
        catch (Exception ex) when (ex is RuntimeException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Fail(cmdlet, ex.Message, repository);
        }

        if (NativeRuntimeFolder.Find() is null)
        {
            Fail(cmdlet, $"it was saved, but {Path.Combine(root.FullName, NativeRuntimeFolder.ModuleName, NativeRuntimeFolder.Version, "native", NativeRuntimeFolder.MarkerFile)} is not there", repository);
        }
    }

    /// <summary>The repository PSResourceGet installed the module in <paramref name="moduleFolder"/> from (its PSGetModuleInfo.xml), or null.</summary>
    private static string? InstalledFrom(string moduleFolder)
    {
        string file = Path.Combine(moduleFolder, "PSGetModuleInfo.xml");
        try
        {
            return File.Exists(file)
                ? XDocument.Load(file).Descendants().FirstOrDefault(e => e.Name.LocalName == "S" && (string?)e.Attribute("N") == "Repository")?.Value
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Xml.XmlException)
        {
            return null;
        }
    }

    private static void Fail(PSCmdlet cmdlet, string reason, string? repository)
    {
        string name = NativeRuntimeFolder.ModuleName;
        string version = NativeRuntimeFolder.Version;
        string from = repository is null ? string.Empty : $" from '{repository}'";
        string message = $"PSAnomalyAE needs its native runtime for {NativeRuntimeFolder.Rid} (libtorch), the module {name} {version}, and it could not be installed{from}: {reason.Split('\n')[0].Trim()}";
        var ex = new PSInvalidOperationException(message);
        cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "NativeRuntimeNotInstalled", ErrorCategory.NotInstalled, name)
        {
            ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = $"Install it where a repository can be reached: Install-PSResource -Name {name} -Version {version}. Offline: on a machine with access, run Save-PSResource -Name {name} -Version {version} -Path <folder>, and copy <folder>/{name} into a folder of $env:PSModulePath (beside PSAnomalyAE).",
            },
        });
    }
}
