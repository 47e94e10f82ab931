using System.Globalization;
using ScottPlot;

namespace PSAnomalyAE.Engine.Plots;

/// <summary>
/// Pictures of a threshold choice: the ROC curve with the chosen operating point, the precision-recall curve,
/// and a histogram of the rows' scores (normal and anomalous rows apart when labels exist) with the
/// threshold line. Written as PNG or SVG, by the file's extension.
/// </summary>
public static class ThresholdPlot
{
    private const int Bins = 40;
    private static readonly Color Curve = new(31, 119, 180);

    public static void Save(string path, IReadOnlyList<double> errors, IReadOnlyList<bool>? isAnomaly, double threshold, string method, RocCurve? curve = null, OperatingPoint? point = null)
    {
        PlotFile.RequireExtension(path);
        var multi = new Multiplot();
        int panels = curve is null ? 1 : 3;
        multi.AddPlots(panels);
        multi.Layout = new ScottPlot.MultiplotLayouts.Columns();
        if (curve is not null)
        {
            DrawRoc(multi.GetPlot(0), curve, point);
            DrawPrecisionRecall(multi.GetPlot(1), curve, point);
        }

        DrawHistogram(multi.GetPlot(panels - 1), errors, isAnomaly, threshold, method);
        PlotFile.Write(multi, path, 520 * panels, 460);
    }

    private static void DrawRoc(Plot plot, RocCurve curve, OperatingPoint? point)
    {
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.Color = Colors.Gray.WithAlpha(0.6);
        chance.LegendText = "chance";
        var line = plot.Add.ScatterLine(curve.Points.Select(p => p.FalsePositiveRate).ToArray(), curve.Points.Select(p => p.TruePositiveRate).ToArray());
        line.LegendText = F($"ROC (AUC {curve.RocAuc:0.000})");
        line.LineWidth = 2;
        line.Color = Curve;
        if (point is not null)
        {
            MarkPoint(plot, point.FalsePositiveRate, point.Recall, F($"threshold {point.Threshold:G4}: FPR {point.FalsePositiveRate:0.###}, recall {point.Recall:0.###}"));
        }

        Label(plot, "ROC curve", "False positive rate", "True positive rate (recall)", 1.02, Alignment.LowerRight);
    }

    private static void DrawPrecisionRecall(Plot plot, RocCurve curve, OperatingPoint? point)
    {
        var line = plot.Add.ScatterLine(curve.PrecisionRecall.Select(p => p.Recall).ToArray(), curve.PrecisionRecall.Select(p => p.Precision).ToArray());
        line.LegendText = F($"precision-recall (AP {curve.AveragePrecision:0.000})");
        line.LineWidth = 2;
        line.Color = Curve;
        var baseRate = plot.Add.HorizontalLine((double)curve.Positives / (curve.Positives + curve.Negatives));
        baseRate.Color = Colors.Gray.WithAlpha(0.6);
        baseRate.LegendText = "share of anomalies";
        if (point is not null)
        {
            MarkPoint(plot, point.Recall, point.Precision, F($"threshold: precision {point.Precision:0.###}, recall {point.Recall:0.###}"));
        }

        Label(plot, "Precision and recall", "Recall", "Precision", 1.05, Alignment.LowerLeft);
    }

    /// <summary>Marks the chosen operating point on a curve.</summary>
    private static void MarkPoint(Plot plot, double x, double y, string legend)
    {
        var m = plot.Add.Marker(x, y);
        m.Size = 12;
        m.Color = Colors.OrangeRed;
        m.LegendText = legend;
    }

    /// <summary>Titles a curve's panel, whose axes are rates from 0 to 1 (the vertical one up to <paramref name="yMax"/>).</summary>
    private static void Label(Plot plot, string title, string xLabel, string yLabel, double yMax, Alignment legend)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, yMax);
        plot.ShowLegend(legend);
    }

    private static void DrawHistogram(Plot plot, IReadOnlyList<double> errors, IReadOnlyList<bool>? isAnomaly, double threshold, string method)
    {
        // Errors span orders of magnitude, so the bins are even in log10; each class is shown as its share of rows.
        static double Log(double e) => Math.Log10(Math.Max(e, 1e-12));
        double lo = Math.Min(errors.Min(Log), Log(threshold)), hi = Math.Max(errors.Max(Log), Log(threshold));
        double width = Math.Max(hi - lo, 1e-6) / Bins;
        double[] centers = Enumerable.Range(0, Bins).Select(i => lo + ((i + 0.5) * width)).ToArray();
        double tallest = 0;

        void Bars(IEnumerable<double> values, string label, Color color)
        {
            double[] counts = new double[Bins];
            int n = 0;
            foreach (double e in values)
            {
                counts[Math.Clamp((int)((Log(e) - lo) / width), 0, Bins - 1)]++;
                n++;
            }

            if (n == 0)
            {
                return;
            }

            double[] shares = counts.Select(c => c / n).ToArray();
            tallest = Math.Max(tallest, shares.Max());
            var bars = plot.Add.Bars(centers, shares);
            bars.LegendText = F($"{label} ({n} {(n == 1 ? "row" : "rows")})");
            foreach (Bar bar in bars.Bars)
            {
                bar.Size = width;
                bar.FillColor = color.WithAlpha(0.6);
                bar.LineWidth = 0;
            }
        }

        if (isAnomaly is null)
        {
            Bars(errors, "rows", Colors.SteelBlue);
        }
        else
        {
            Bars(errors.Where((_, i) => !isAnomaly[i]), "normal", Colors.SteelBlue);
            Bars(errors.Where((_, i) => isAnomaly[i]), "anomalous", Colors.OrangeRed);
        }

        var line = plot.Add.VerticalLine(Log(threshold));
        line.Color = Colors.Black;
        line.LineWidth = 2;
        line.LegendText = F($"threshold {threshold:G4} ({method})");
        plot.Title("Scores");
        plot.XLabel("log10(score)");
        plot.YLabel("Share of rows");

        // Every bar whole, from zero, and the legend below the axes, where it cannot cover the tallest bars.
        plot.Axes.SetLimits(lo - width, hi + width, 0, Math.Max(tallest, 1e-9) * 1.08);
        plot.ShowLegend(Edge.Bottom);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
