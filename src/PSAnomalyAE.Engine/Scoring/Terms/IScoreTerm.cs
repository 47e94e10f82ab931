namespace PSAnomalyAE.Engine.Scoring;

/// <summary>
/// One part of a row's score. A term is fitted on the training samples and calibrated on the held-out normal rows
/// (its kind's fit method, registered in <see cref="ScoreTerms"/>), measures a batch of samples (<see cref="Measure"/>:
/// the raw values each scored row shows under <see cref="Name"/>), turns a raw value into its part of the score
/// (<see cref="Contribution"/>), says which features drove a sample's value (<see cref="FeatureWeights"/>) and saves
/// itself in the model file (<see cref="Save"/>; its kind's restore method reads it back). A row's score is the sum
/// of its terms' contributions (<see cref="ScoreTerms.Compose"/>). A term is immutable once made, so models share it.
/// </summary>
public interface IScoreTerm
{
    /// <summary>The term's name: the column each scored row shows its raw value in, and its name in the model file.</summary>
    string Name { get; }

    /// <summary>The term's raw value for each sample of <paramref name="batch"/>.</summary>
    double[] Measure(TermBatch batch);

    /// <summary>A raw value's part of the row's score.</summary>
    double Contribution(double value);

    /// <summary>
    /// How much each input of the model (<see cref="FeatureEncoding.Width"/> of them, in scaled units) drove the term's
    /// value for each of <paramref name="samples"/> (indices into <paramref name="batch"/>): non-negative weights,
    /// <c>samples.Length</c> × width, row-major.
    /// </summary>
    float[] FeatureWeights(TermBatch batch, int[] samples);

    /// <summary>What the term expected the last row of <paramref name="batch"/>'s sample <paramref name="sample"/> to be.</summary>
    TermExpectation Expect(TermBatch batch, int sample);

    /// <summary>The term's state for the model file.</summary>
    ScoreTermState Save();
}
