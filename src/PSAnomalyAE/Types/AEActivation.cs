namespace PSAnomalyAE;

/// <summary>
/// The activation between hidden layers: the members of the engine's ActivationKind, by the same names (the cmdlets
/// convert by name; EnumMapping.Tests.ps1 checks the two lists agree).
/// </summary>
public enum AEActivation { ReLU, LeakyReLU, Tanh, Sigmoid, ELU, GELU }
