using System.Globalization;
using System.Text;

namespace PSAnomalyAE;

/// <summary>
/// The per-feature reconstruction errors of a row (FeatureErrors of Measure-AEReconstructionError). Each feature is a
/// property ($row.FeatureErrors.cpu_pct); as text, in Export-Csv for instance, it reads
/// "cpu_pct=0.4365176558494568; memory_pct=0.0312..." and with a format ('{0:G3}' -f ...) each value is rounded.
/// </summary>
public sealed class AEFeatureErrors : IFormattable
{
    private readonly string[] _features;
    private readonly double[] _errors;

    internal AEFeatureErrors(string[] features, double[] errors)
    {
        _features = features;
        _errors = errors;
    }

    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>"feature=error; ..." with each error written with <paramref name="format"/> (round-trip when none).</summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        var text = new StringBuilder();
        for (int i = 0; i < _features.Length; i++)
        {
            if (i > 0)
            {
                text.Append("; ");
            }

            text.Append(_features[i]).Append('=').Append(_errors[i].ToString(format ?? "R", formatProvider));
        }

        return text.ToString();
    }
}
