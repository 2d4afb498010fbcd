using Axon.Targets;

namespace Axon.Cli.Commands;

/// <summary>`axon project --report chart.png`: whole-instance throughput per instance and batch size, as bars.</summary>
internal static class ProjectionChart
{
    public static void Write(string path, string model, IReadOnlyList<InstanceProjection> results)
    {
        var plt = new ScottPlot.Plot();
        var positions = new List<double>();
        var labels = new List<string>();
        double x = 0;
        foreach (var group in results.GroupBy(r => r.Instance))
        {
            foreach (var r in group)
            {
                plt.Add.Bar(x, r.Throughput);
                positions.Add(x);
                labels.Add($"{r.Instance}\nb{r.BatchSize}");
                x += 1;
            }
            x += 0.5;
        }
        plt.Axes.Bottom.SetTicks(positions.ToArray(), labels.ToArray());
        plt.Title($"{model}: projected throughput (one replica per core)");
        plt.YLabel("inferences / s per instance");
        try
        {
            plt.SavePng(path, Math.Max(640, 115 * positions.Count), 480);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or TypeInitializationException)
        {
            throw new AxonInputException($"cannot write chart '{path}': {e.Message}", "AXT014", e);
        }
    }
}
