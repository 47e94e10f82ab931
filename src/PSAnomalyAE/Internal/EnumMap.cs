namespace PSAnomalyAE.Internal;

/// <summary>
/// Converts between the module's public enums (AEArchitecture, AEScaling, ...) and the engine's by member name, never
/// by number: the two lists may order their members differently. A Pester test (EnumMapping.Tests.ps1) fails when
/// a member exists on one side only.
/// </summary>
internal static class EnumMap
{
    internal static TTarget Convert<TTarget>(Enum value)
        where TTarget : struct, Enum =>
        Enum.TryParse(value.ToString(), ignoreCase: false, out TTarget result) && Enum.IsDefined(result)
            ? result
            : throw new InvalidOperationException($"{value.GetType().Name}.{value} has no counterpart in {typeof(TTarget).Name}.");
}
