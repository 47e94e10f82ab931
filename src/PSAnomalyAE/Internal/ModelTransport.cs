using System.Management.Automation;
using System.Runtime.CompilerServices;

namespace PSAnomalyAE.Internal;

/// <summary>
/// Lets a model cross a process boundary. PowerShell serializes objects that leave a process (Export-Clixml,
/// Start-Job, Invoke-Command, remoting) as property bags: the module's types file makes an AEModel's bag carry its
/// model file (<see cref="AEModel.SerializedModel"/>, base64) next to a few descriptive properties, and this class
/// turns such a bag back into a live model, either while it is deserialized (when the module is loaded in the
/// receiving session; <see cref="AEModelTypeConverter"/>) or when it is bound to a -Model parameter
/// (<see cref="AEModelTransformationAttribute"/>, for bags deserialized before the module was imported).
/// </summary>
internal static class ModelTransport
{
    internal const string DeserializedTypeName = "Deserialized.PSAnomalyAE.AEModel";

    // One live model per deserialized bag, so a bag bound again and again (a loop in a job) is loaded once.
    private static readonly ConditionalWeakTable<PSObject, AEModel> s_rehydrated = new();

    /// <summary>The live model a deserialized bag carries; a clear exception when it carries none.</summary>
    internal static AEModel Rehydrate(PSObject bag)
    {
        if (s_rehydrated.TryGetValue(bag, out AEModel? cached))
        {
            return cached;
        }

        string? data = bag.Properties[nameof(AEModel.SerializedModel)]?.Value as string;
        if (string.IsNullOrEmpty(data))
        {
            bool trained = bag.Properties[nameof(AEModel.IsTrained)]?.Value is true;
            throw new AnomalyDetectionException(
                AnomalyErrorKind.InvalidArgument,
                trained
                    ? "This deserialized PSAnomalyAE model does not carry its model file (it was serialized where the module's types file was not loaded), so it cannot score."
                    : "An untrained model cannot be sent to another session or process: only trained models carry their network.")
            {
                RecommendedAction = trained
                    ? "Send the model file instead: Export-AEModel -Model $model -Path <file>, then Import-AEModel <file> on the other side."
                    : "Train it first, or create it with New-AEModel on the other side.",
            };
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidModelFile, "The deserialized model's SerializedModel property is not base64 text.");
        }

        TorchRuntime.EnsureLoaded();
        var model = new AEModel(ModelFile.Load(bytes, "a deserialized model"));
        s_rehydrated.AddOrUpdate(bag, model);
        return model;
    }
}

/// <summary>
/// On every -Model parameter: binds a deserialized model (from Import-Clixml, Start-Job, Invoke-Command or a remote
/// session, deserialized before the module was loaded there) as the live model it carries.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class AEModelTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        // Several models (-Model $models): each is turned into a live model the same way.
        object? value = inputData is PSObject { BaseObject: object[] } wrapped ? wrapped.BaseObject : inputData;
        if (value is object[] many)
        {
            return many.Select(m => Transform(engineIntrinsics, m)).ToArray();
        }

        if (inputData is PSObject pso && pso.BaseObject is AEModel live)
        {
            return live;
        }

        if (inputData is PSObject bag && bag.TypeNames.Contains(ModelTransport.DeserializedTypeName))
        {
            try
            {
                return ModelTransport.Rehydrate(bag);
            }
            catch (AnomalyDetectionException ex)
            {
                throw new ArgumentTransformationMetadataException(
                    ex.RecommendedAction is null ? ex.Message : ex.Message + " " + ex.RecommendedAction, ex);
            }
        }

        return inputData;
    }
}

/// <summary>
/// Registered in the module's types file for PSAnomalyAE.AEModel, the target type of deserialized models: turns a
/// deserialized model back into a live one while it is deserialized, when the module is loaded in that session.
/// </summary>
public sealed class AEModelTypeConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        destinationType == typeof(AEModel) && sourceValue is PSObject bag && bag.TypeNames.Contains(ModelTransport.DeserializedTypeName);

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        if (sourceValue is PSObject bag && destinationType == typeof(AEModel))
        {
            try
            {
                return ModelTransport.Rehydrate(bag);
            }
            catch (AnomalyDetectionException ex)
            {
                throw new PSInvalidCastException(ex.Message, ex);
            }
        }

        throw new PSInvalidCastException($"Cannot convert {sourceValue?.GetType().Name ?? "null"} to {destinationType.Name}.");
    }

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new PSInvalidCastException($"Cannot convert an AEModel to {destinationType.Name}.");
}
