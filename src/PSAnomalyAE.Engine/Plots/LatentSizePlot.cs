using System.Globalization;
using PSAnomalyAE.Engine.Selection;
using ScottPlot;

namespace PSAnomalyAE.Engine.Plots;

/// <summary>The cross-validated reconstruction error against the bottleneck size, with the recommended size marked.</summary>
public static class LatentSizePlot
{
    public static void Save(string path, IReadOnlyList<CandidateResult> results)
    {
        PlotFile.RequireExtension(path);
        if (results.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "There are no finished candidates to draw.");
        }

        var figure = new Multiplot();
        figure.AddPlots(1);
        Plot plot = figure.GetPlot(0);
        double[] xs = results.Select(r => (double)r.LatentSize).ToArray();
        double[] ys = results.Select(r => Math.Log10(Math.Max(r.MeanError, 1e-12))).ToArray();
        var line = plot.Add.ScatterLine(xs, ys);
        line.LineWidth = 2;
        line.MarkerSize = 7;
        line.LegendText = "mean validation error";
        var bars = plot.Add.ErrorBar(
            xs,
            ys,
            results.Select(r => Math.Log10(Math.Max(r.MeanError + r.StandardError, 1e-12)) - Math.Log10(Math.Max(r.MeanError, 1e-12))).ToArray());
        bars.LegendText = "± one standard error";
        CandidateResult? chosen = results.FirstOrDefault(r => r.Recommended);
        if (chosen is not null)
        {
            var m = plot.Add.Marker(chosen.LatentSize, Math.Log10(Math.Max(chosen.MeanError, 1e-12)));
            m.Size = 14;
            m.Color = Colors.OrangeRed;
            m.LegendText = string.Create(CultureInfo.InvariantCulture, $"recommended: {chosen.LatentSize}");
        }

        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Bottleneck size by {results[0].Folds}-fold cross-validation"));
        plot.XLabel("Bottleneck size (LatentSize)");
        plot.YLabel("log10(mean validation error)");
        plot.ShowLegend(Alignment.UpperRight);
        PlotFile.Write(figure, path, 720, 460);
    }
}
