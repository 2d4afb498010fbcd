using Axon.Runtime.Precision;

namespace Axon.Cli.Commands;

/// <summary>`axon precision-sweep --chart sweep.png`: each mode as a point, speed-up over FP32 against cosine loss (1 − worst cosine).</summary>
internal static class SweepChart
{
    public static void Write(string path, string model, IReadOnlyList<SweepRow> rows)
    {
        var plt = new ScottPlot.Plot();
        foreach (var r in rows.Where(r => r.Skipped is null))
        {
            // Log axis for the loss: 1e-7 (BF16) and 1e-2 (INT8) both stay readable; exact modes sit on the floor.
            double loss = Math.Log10(Math.Max(1e-9, 1 - r.WorstCosine));
            var m = plt.Add.Marker(loss, r.SpeedUp);
            m.MarkerSize = 10;
            var label = plt.Add.Text(r.Mode, loss, r.SpeedUp);
            label.LabelFontSize = 12;
            label.OffsetX = 6;
        }
        plt.Add.HorizontalLine(1, 1, ScottPlot.Colors.Gray, ScottPlot.LinePattern.Dashed);
        plt.Axes.Margins(horizontal: 0.2, vertical: 0.1);
        plt.Title($"{model}: speed-up over FP32 against accuracy loss");
        plt.XLabel("log10(1 - worst cosine vs FP32)   (left = closer to FP32)");
        plt.YLabel("speed-up over FP32 (x)");
        try
        {
            plt.SavePng(path, 800, 520);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or TypeInitializationException)
        {
            throw new AxonInputException($"cannot write chart '{path}': {e.Message}", "AXQ031", e);
        }
    }
}
