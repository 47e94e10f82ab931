using System.Globalization;
using PSAnomalyAE.Engine.Persistence;
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

    /// <summary>Writes <paramref name="figure"/> to <paramref name="path"/>, replacing the file atomically.</summary>
    internal static void Write(Multiplot figure, string path, int width, int height)
    {
        RequireExtension(path);
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            using Image image = figure.Render(width, height);
            AtomicFile.Write(path, image.GetImageBytes(ImageFormat.Png, 100));
            return;
        }

        AtomicFile.Write(path, file =>
        {
            using var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), file);
            canvas.Clear(SkiaSharp.SKColors.White);
            figure.Render(canvas, new PixelRect(0, width, height, 0));
        });
    }
}
