using System.Globalization;

namespace PSAnomalyAE;

/// <summary>
/// The top contributing features of a row. A list of <see cref="AEFeatureContribution"/>; as text (in Export-Csv,
/// for instance) it reads "cpu_pct 97.0, expected 41.3 (High, 62%); ...".
/// </summary>
public sealed class AEFeatureContributionList : System.Collections.ObjectModel.ReadOnlyCollection<AEFeatureContribution>
{
    internal AEFeatureContributionList(IList<AEFeatureContribution> items)
        : base(items)
    {
    }

    public override string ToString() => string.Join("; ", this.Select(c => c.ToString()));
}
