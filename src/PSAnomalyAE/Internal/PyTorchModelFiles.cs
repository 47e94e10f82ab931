using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>
/// The file handling of Export-AEModel -Format PyTorch and Import-AEModel -PyTorch: path checks, ShouldProcess and
/// error records. What is written and read, and every check of the files' contents, is the engine's (PyTorchInterop).
/// </summary>
internal static class PyTorchModelFiles
{
    /// <summary>The config file that goes with a weights file when none is named: the same name with .json.</summary>
    internal static string DefaultConfigPath(string weightsPath) => Path.ChangeExtension(weightsPath, ".json");

    /// <summary>
    /// Writes the safetensors weights and the JSON config of <paramref name="model"/> as a pair (both files are replaced
    /// or neither is); returns both files, or none under -WhatIf.
    /// </summary>
    internal static IReadOnlyList<string> Export(PSCmdlet cmdlet, AEModel model, string weightsPath, string? configPath, string? name, bool force)
    {
        string config = configPath is null ? DefaultConfigPath(weightsPath) : FileSystemPaths.ForWrite(cmdlet, configPath);
        if (!model.IsTrained)
        {
            cmdlet.ThrowTerminatingError(Errors.From(AnomalyModel.NotTrained(), model));
        }

        if (string.Equals(Path.GetFullPath(weightsPath), Path.GetFullPath(config), StringComparison.OrdinalIgnoreCase))
        {
            cmdlet.ThrowTerminatingError(Errors.Io(
                new IOException($"The weights and the config would both be written to '{weightsPath}'; give the weights a .safetensors name or a different -ConfigPath."),
                "SamePathTwice",
                ErrorCategory.InvalidArgument,
                weightsPath));
        }

        try
        {
            _ = PyTorchInterop.ConfigOf(model.Engine, name); // refuses models that are not one plain nn.Sequential, before anything is written
        }
        catch (AnomalyDetectionException ex)
        {
            cmdlet.ThrowTerminatingError(Errors.From(ex, model));
        }

        bool anyExists = false;
        foreach (string file in new[] { weightsPath, config })
        {
            anyExists |= TargetFiles.Check(cmdlet, file, force);
        }

        if (!cmdlet.ShouldProcess($"{weightsPath} and {config}", anyExists ? "Replace PyTorch weights and config" : "Export model for PyTorch (weights and config)"))
        {
            return Array.Empty<string>();
        }

        try
        {
            TargetFiles.MakeWritable(weightsPath);
            TargetFiles.MakeWritable(config);
            PyTorchInterop.Export(model.Engine, weightsPath, config, name);
        }
        catch (AnomalyDetectionException ex)
        {
            cmdlet.ThrowTerminatingError(Errors.From(ex, weightsPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(Errors.Io(ex, "ModelWriteFailed", ErrorCategory.WriteError, weightsPath));
        }

        cmdlet.WriteVerbose($"Saved the weights to '{weightsPath}' and the config to '{config}'.");
        return new[] { weightsPath, config };
    }

    /// <summary>Reads a model from safetensors weights and a JSON config; a missing or damaged file is a terminating error.</summary>
    internal static AEModel Import(PSCmdlet cmdlet, string weightsPath, string? configPath)
    {
        string weights = FileSystemPaths.ForRead(cmdlet, weightsPath, literal: true)[0];
        string config = configPath is null ? DefaultConfigPath(weights) : FileSystemPaths.ForRead(cmdlet, configPath, literal: true)[0];
        foreach ((string file, string what) in new[] { (weights, "weights"), (config, "config") })
        {
            if (!File.Exists(file))
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new FileNotFoundException($"The PyTorch {what} file '{file}' does not exist.", file),
                    "ModelFileNotFound",
                    ErrorCategory.ObjectNotFound,
                    file));
            }
        }

        return FileReads.TryRead(weights, w => PyTorchInterop.Import(w, config), "ModelReadFailed", cmdlet.ThrowTerminatingError, out AnomalyModel? engine)
            ? new AEModel(engine)
            : throw new InvalidOperationException("unreachable");
    }
}
