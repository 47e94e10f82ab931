namespace PSAnomalyAE;

/// <summary>The activation between hidden layers.</summary>
public enum AEActivation
{
    ReLU,
    LeakyReLU,
    Tanh,
    Sigmoid,
    ELU,
    GELU,
}
