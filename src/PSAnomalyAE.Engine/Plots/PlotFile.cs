using System.Globalization;
using ScottPlot;

namespace PSAnomalyAE.Engine.Plots;

/// <summary>Writes ScottPlot figures as PNG or SVG, chosen by the file's extension.</summary>
internal static class PlotFile
{
    internal static void RequireExtension(string path)
    {
        if (Path.GetExtension(path).ToLowerInvariant() is not (".png" or ".svg"))
        {
            throw new AnomalyDetectionException(AnomalyErrorKind.InvalidArgument, $"The picture's file name must end in .png or .svg; '{Path.GetFileName(path)}' does not.");
        }
    }

    internal static void Write(Multiplot figure, string path, int width, int height)
    {
        RequireExtension(path);
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            figure.SavePng(path, width, height);
            return;
        }

        using var file = File.Create(path);
        using var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), file);
        canvas.Clear(SkiaSharp.SKColors.White);
        figure.Render(canvas, new PixelRect(0, width, height, 0));
    }
}
