using Axon.Training.Checkpoints;
using Axon.Training.Trainer;

namespace Axon.Cli.Commands;

/// <summary>The PNG written by <c>axon train --plot</c>: training loss per step (left axis) and test accuracy per epoch (right axis).</summary>
internal static class TrainingPlot
{
    public static void Save(string path, IReadOnlyList<TrainProgress> steps, IReadOnlyList<EpochResult> epochs)
    {
        var plt = new ScottPlot.Plot();
        if (steps.Count > 0)
        {
            var loss = plt.Add.Scatter(steps.Select(s => (double)s.Step).ToArray(), steps.Select(s => s.BatchLoss).ToArray());
            loss.LegendText = "training loss (batch)";
            loss.MarkerSize = 0;
        }
        var withAcc = epochs.Where(e => double.IsFinite(e.TestAccuracy)).ToList();
        if (withAcc.Count > 0 && steps.Count > 0)
        {
            double perEpoch = steps.Max(s => s.Step) / (double)Math.Max(1, epochs.Count);
            var acc = plt.Add.Scatter(withAcc.Select(e => e.Epoch * perEpoch).ToArray(), withAcc.Select(e => e.TestAccuracy * 100).ToArray());
            acc.LegendText = "test accuracy % (epoch end)";
            acc.Axes.YAxis = plt.Axes.Right;
            plt.Axes.Right.Label.Text = "test accuracy (%)";
        }
        plt.Axes.Bottom.Label.Text = "step";
        plt.Axes.Left.Label.Text = "loss";
        plt.Title("axon train");
        plt.ShowLegend();
        plt.SavePng(path, 900, 500);
    }
}
