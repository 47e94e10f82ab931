using System.Diagnostics.CodeAnalysis;
using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>Reads a file for a cmdlet: an engine error or an I/O error becomes the module's error record.</summary>
internal static class FileReads
{
    /// <summary>
    /// Gives <paramref name="read"/>(<paramref name="file"/>) in <paramref name="result"/>. When it fails with the
    /// engine's error, or an I/O or access error (ErrorId <paramref name="ioErrorId"/>, category ReadError), the error
    /// record goes to <paramref name="fail"/> (the cmdlet's WriteError or ThrowTerminatingError) and the answer is false.
    /// </summary>
    internal static bool TryRead<T>(string file, Func<string, T> read, string ioErrorId, Action<ErrorRecord> fail, [NotNullWhen(true)] out T? result)
        where T : class
    {
        try
        {
            result = read(file);
            return true;
        }
        catch (AnomalyDetectionException ex)
        {
            fail(Errors.From(ex, file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            fail(Errors.Io(ex, ioErrorId, ErrorCategory.ReadError, file));
        }

        result = null;
        return false;
    }
}
