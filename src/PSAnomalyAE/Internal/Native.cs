using System.Management.Automation;

namespace PSAnomalyAE.Internal;

internal static class Native
{
    /// <summary>
    /// Installs this platform's runtime module when the module was installed without it, as <see cref="EnsureLoaded"/>
    /// does, then starts loading libtorch on a background thread and returns: the command goes on with the work that
    /// does not need libtorch (reading a model file) and calls <see cref="EnsureLoaded"/> when it does, which waits for
    /// the load and reports a failure exactly as it would have. Called when the command starts processing, not when it
    /// is created: PowerShell also creates commands for tab completion and -?, which must not load libtorch.
    /// </summary>
    internal static void BeginLoading(PSCmdlet cmdlet)
    {
        RuntimeInstaller.EnsureInstalled(cmdlet);
        TorchRuntime.BeginLoading();
    }

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
