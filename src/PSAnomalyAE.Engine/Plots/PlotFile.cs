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

    /// <summary>
    /// Writes <paramref name="figure"/> to <paramref name="path"/>, replacing the file atomically. The picture is drawn
    /// in memory first and only its bytes are written, so a failed write (a full disk) is an ordinary
    /// <see cref="IOException"/> here rather than an error inside SkiaSharp's native drawing, which would end the process.
    /// </summary>
    internal static void Write(Multiplot figure, string path, int width, int height)
    {
        RequireExtension(path);
        AtomicFile.Write(path, Render(figure, path, width, height));
    }

    /// <summary>The bytes of the PNG or SVG file for <paramref name="figure"/>, as <paramref name="path"/>'s extension says.</summary>
    internal static byte[] Render(Multiplot figure, string path, int width, int height)
    {
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            using Image image = figure.Render(width, height);
            return image.GetImageBytes(ImageFormat.Png, 100);
        }

        using var svg = new MemoryStream();
        using (var canvas = SkiaSharp.SKSvgCanvas.Create(new SkiaSharp.SKRect(0, 0, width, height), svg))
        {
            canvas.Clear(SkiaSharp.SKColors.White);
            figure.Render(canvas, new PixelRect(0, width, height, 0));
        }

        return svg.ToArray();
    }
}
