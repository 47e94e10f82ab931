namespace PSAnomalyAE.Engine.Configuration;

/// <summary>How features are standardised before they reach the network.</summary>
public enum ScalingMethod
{
    /// <summary>(x - mean) / standard deviation, fitted on the training rows.</summary>
    ZScore,
    /// <summary>(x - min) / (max - min), fitted on the training rows; maps the training range to [0, 1].</summary>
    MinMax,
    /// <summary>Values are used as they are.</summary>
    None,
}
