namespace PSAnomalyAE;

/// <summary>
/// The kind of autoencoder: the members of the engine's AutoencoderKind, by the same names, where each is described
/// (the cmdlets convert by name; EnumMapping.Tests.ps1 checks the two lists agree).
/// </summary>
public enum AEArchitecture { Dense, Sparse, Variational, Denoising, Convolutional, Recurrent }
