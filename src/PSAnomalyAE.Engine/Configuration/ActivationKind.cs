namespace PSAnomalyAE.Engine.Configuration;

/// <summary>The activation between hidden layers.</summary>
public enum ActivationKind
{
    ReLU,
    LeakyReLU,
    Tanh,
    Sigmoid,
    ELU,
    GELU,
}
