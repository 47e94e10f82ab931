using System.Globalization;
using ScottPlot;

namespace PSAnomalyAE.Engine.Plots;

/// <summary>
/// The training and validation loss per epoch (on a log scale when they fall by a decade or more), with the epoch
/// whose weights the model keeps marked.
/// </summary>
public static class TrainingHistoryPlot
{
    /// <summary>Throws when <paramref name="path"/> is not a .png or .svg file name (check it before a long training run).</summary>
    public static void CheckPath(string path) => PlotFile.RequireExtension(path);

    public static void Save(string path, IReadOnlyList<EpochRecord> history, int bestEpoch)
    {
        PlotFile.RequireExtension(path);
        if (history.Count == 0)
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.NotEnoughData, "There are no finished epochs to draw.");
        }

        var figure = new Multiplot();
        figure.AddPlots(1);
        Plot plot = figure.GetPlot(0);
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();

        // Losses that fall by a decade or more are drawn on a log scale, others as they are.
        bool log = Span(history) >= 1;
        Func<double, double> y = log ? Log : v => v;

        // Solid lines only: the SVG canvas cannot draw dashes (and says so on the console).
        Line(plot, epochs, history.Select(e => (double?)e.TrainLoss), "training loss", Colors.SteelBlue, y);
        if (history.Any(e => e.TrainReconstruction is not null))
        {
            Line(plot, epochs, history.Select(e => e.TrainReconstruction), "training loss, reconstruction part", Colors.SkyBlue, y);
        }

        Line(plot, epochs, history.Select(e => e.ValidationLoss), "validation loss", Colors.OrangeRed, y);

        if (history.FirstOrDefault(e => e.Epoch == bestEpoch) is { } best)
        {
            var kept = plot.Add.VerticalLine(best.Epoch);
            kept.Color = Colors.Gray.WithAlpha(0.8);
            kept.LineWidth = 1.5f;
            kept.LegendText = string.Create(CultureInfo.InvariantCulture, $"best epoch {best.Epoch} (weights kept)");
        }

        if (log)
        {
            // The data are log10 of the losses; the ticks (one per decade) are labelled with the losses themselves.
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
            };
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(0.03, 0.1);
        plot.Title("Training history");
        plot.XLabel("Epoch");
        plot.YLabel(log ? "Loss (MSE, log scale)" : "Loss (MSE)");
        plot.ShowLegend(Edge.Bottom);
        PlotFile.Write(figure, path, 720, 480);
    }

    private static void Line(Plot plot, double[] epochs, IEnumerable<double?> losses, string label, Color color, Func<double, double> y)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        int i = 0;
        foreach (double? loss in losses)
        {
            if (loss is { } l && double.IsFinite(l))
            {
                xs.Add(epochs[i]);
                ys.Add(y(l));
            }

            i++;
        }

        if (xs.Count == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
        line.LegendText = label;
        line.Color = color;
        line.LineWidth = 2;
        line.MarkerSize = xs.Count <= 60 ? 4 : 0;
    }

    private static double Log(double loss) => Math.Log10(Math.Max(loss, 1e-12));

    private static double Span(IReadOnlyList<EpochRecord> history)
    {
        double[] all = history.SelectMany(e => new[] { (double?)e.TrainLoss, e.ValidationLoss, e.TrainReconstruction })
            .Where(v => v is { } x && double.IsFinite(x)).Select(v => Log(v!.Value)).ToArray();
        return all.Length == 0 ? 0 : all.Max() - all.Min();
    }
}
