namespace PSAnomalyAE.Engine.Scoring;

/// <summary>The sizes of the samples a restored score term will see: it checks its stored arrays against them.</summary>
public sealed record TermBatchShape(int Width, int NetWidth, int Window)
{
    public int SampleSize => NetWidth * Window;
}
