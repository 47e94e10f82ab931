using System.Globalization;
using System.Runtime.CompilerServices;

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

    public override string ToString()
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[512]);
        for (int i = 0; i < Count; i++)
        {
            if (i > 0)
            {
                text.AppendLiteral("; ");
            }

            this[i].AppendTo(ref text);
        }

        return text.ToStringAndClear();
    }
}
