namespace PSAnomalyAE;

/// <summary>How features are standardised before they reach the network.</summary>
public enum AEScaling
{
    /// <summary>(x - mean) / standard deviation of the training rows.</summary>
    ZScore,
    /// <summary>(x - min) / (max - min) of the training rows.</summary>
    MinMax,
    /// <summary>No scaling.</summary>
    None,
}
