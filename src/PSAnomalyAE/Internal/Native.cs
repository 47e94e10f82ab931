using System.Management.Automation;

namespace PSAnomalyAE.Internal;

internal static class Native
{
    /// <summary>
    /// Loads libtorch on first use, installing this platform's runtime module first when the module was installed
    /// without it; a failure is one terminating error that says what to install.
    /// </summary>
    internal static void EnsureLoaded(PSCmdlet cmdlet)
    {
        RuntimeInstaller.EnsureInstalled(cmdlet);
        try
        {
            TorchRuntime.EnsureLoaded();
        }
        catch (AnomalyDetectionException ex)
        {
            cmdlet.ThrowTerminatingError(Errors.From(ex, TorchRuntime.RuntimeIdentifier));
        }
    }
}
