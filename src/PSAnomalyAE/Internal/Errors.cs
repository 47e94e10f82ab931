using System.Management.Automation;

namespace PSAnomalyAE.Internal;

/// <summary>Builds the module's error records: a stable ErrorId, a specific category, the real target.</summary>
internal static class Errors
{
    internal static ErrorRecord From(AnomalyDetectionException ex, object? target)
    {
        (string id, ErrorCategory category) = ex.Kind switch
        {
            AnomalyErrorKind.InvalidArgument => ("InvalidArgument", ErrorCategory.InvalidArgument),
            AnomalyErrorKind.InvalidRow => ("InvalidRowValue", ErrorCategory.InvalidData),
            AnomalyErrorKind.MissingFeature => ("MissingFeatureColumn", ErrorCategory.InvalidData),
            AnomalyErrorKind.NotEnoughData => ("NotEnoughData", ErrorCategory.InvalidData),
            AnomalyErrorKind.NotTrained => ("ModelNotTrained", ErrorCategory.InvalidOperation),
            AnomalyErrorKind.NoThreshold => ("NoThreshold", ErrorCategory.InvalidOperation),
            AnomalyErrorKind.TrainingDiverged => ("TrainingDiverged", ErrorCategory.InvalidResult),
            AnomalyErrorKind.InvalidModelFile => ("InvalidModelFile", ErrorCategory.InvalidData),
            AnomalyErrorKind.NewerModelFile => ("NewerModelFormat", ErrorCategory.InvalidData),
            AnomalyErrorKind.NativeRuntime => ("NativeRuntimeLoadFailed", ErrorCategory.NotInstalled),
            _ => ("AnomalyDetectionError", ErrorCategory.NotSpecified),
        };
        var record = new ErrorRecord(ex, id, category, target);
        if (ex.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction };
        }

        return record;
    }

    internal static ErrorRecord Io(Exception ex, string id, ErrorCategory category, string path) => new(ex, id, category, path);
}
