using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Axon.Cli.Rendering;
using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using Axon.Runtime.Precision;
using Spectre.Console;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon precision-sweep MODEL --inputs DIR [--calibration DIR] [--labels FILE] [--threads N] [--json out.json]
/// [--chart sweep.png]</c>: every precision mode's speed against its accuracy, in one table, so the choice is made on
/// numbers (library side: <see cref="PrecisionSweep"/>).
/// </summary>
internal static class PrecisionSweepCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string>("model") { Description = "the FP32 .onnx model" };
        var inputs = new Option<string?>("--inputs") { Description = "folder with one sub-folder per sample, each with <input name>.npy per model input" };
        var calibration = new Option<string?>("--calibration") { Description = "calibration samples (same layout) for the static INT8 mode; without it that mode is skipped" };
        var method = new Option<string>("--method") { Description = "static INT8 calibration: minmax|percentile|entropy", DefaultValueFactory = _ => "entropy" };
        var labels = new Option<string?>("--labels") { Description = "one integer class label per output row, for top-1 accuracy" };
        var threads = new Option<int>("--threads") { Description = "worker threads", DefaultValueFactory = _ => 1 };
        var rounds = new Option<int>("--rounds") { Description = "alternating timing rounds", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "also write the rows as JSON" };
        var chart = new Option<string?>("--chart") { Description = "also draw speed-up against cosine loss (PNG)" };
        var cmd = new Command("precision-sweep", "Compile and run a model in every precision (fp32, bf16/fp16 auto-cast, int8 dynamic and static) and " +
            "show speed against accuracy.\nExample: axon precision-sweep model.onnx --inputs samples/ --calibration calib/ --labels labels.txt --chart sweep.png")
        {
            model, inputs, calibration, method, labels, threads, rounds, json, chart,
        };
        cmd.SetAction(p =>
        {
            string dir = p.GetValue(inputs) ?? throw new UsageException("precision-sweep needs --inputs DIR (one sub-folder per sample with <input>.npy files)");
            if (p.GetValue(threads) < 1 || p.GetValue(rounds) < 1)
            {
                throw new UsageException("--threads and --rounds must be at least 1");
            }
            string m = p.GetValue(method)!;
            if (m is not ("minmax" or "percentile" or "entropy"))
            {
                throw new UsageException($"--method must be minmax, percentile or entropy, not '{m}'");
            }
            var request = new SweepRequest
            {
                ModelPath = p.GetValue(model)!,
                InputsDir = dir,
                CalibrationDir = p.GetValue(calibration),
                Labels = CompareCommand.ReadLabels(p.GetValue(labels)),
                Threads = p.GetValue(threads),
                Rounds = p.GetValue(rounds),
                Static = new StaticQuantizeOptions { Method = Calibrators.Parse(m), Qdq = new QdqOptions { PerChannel = true } },
            };
            var rows = RunWithProgress(io, request);
            Render(io, rows, request.Labels is not null);
            if (p.GetValue(json) is { } j)
            {
                File.WriteAllText(j, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
                io.Err.WriteLine($"wrote {j}");
            }
            if (p.GetValue(chart) is { } png)
            {
                SweepChart.Write(png, Path.GetFileName(request.ModelPath), rows);
                io.Err.WriteLine($"wrote {png}");
            }
            return CliHost.Ok;
        });
        return cmd;
    }

    private static IReadOnlyList<SweepRow> RunWithProgress(CliIO io, SweepRequest request)
    {
        if (!ReferenceEquals(io.Err, Console.Error) || Console.IsErrorRedirected)
        {
            string? last = null;
            return PrecisionSweep.Run(request, (step, _, _) =>
            {
                if (step != last && step != "done")
                {
                    last = step;
                    io.Err.WriteLine(step + " ...");
                }
            });
        }
        IReadOnlyList<SweepRow>? rows = null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("precision sweep");
                rows = PrecisionSweep.Run(request, (step, done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                    task.Description = step;
                });
                task.StopTask();
            });
        return rows!;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    internal static void Render(CliIO io, IReadOnlyList<SweepRow> rows, bool labelled)
    {
        var t = new Table().AddColumns("mode", "median ms", "speed-up", "worst cosine", "max abs err", "top-1 agree", labelled ? "top-1 acc" : "", "weights MB");
        foreach (var r in rows)
        {
            if (r.Skipped is { } why)
            {
                t.AddRow(r.Mode, "-", "-", "-", "-", "-", "", Markup.Escape("skipped: " + why));
                continue;
            }
            t.AddRow(r.Mode, F(r.MedianMs, "0.000"), F(r.SpeedUp, "0.00") + "x", F(r.WorstCosine, "0.000000"), F(r.MaxAbs, "G4"),
                r.Top1Agreement is { } a ? F(100 * a, "0.00") + "%" : "-", r.Accuracy is { } acc ? F(100 * acc, "0.00") + "%" : "",
                F(r.WeightBytes / 1e6, "0.00"));
        }
        Consoles.For(io.Out).Write(t);
    }
}
