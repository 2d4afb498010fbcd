using System.Diagnostics;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Runtime;
using Axon.Training.Tests.Autograd;

namespace Axon.Training.Tests.Modules;

public sealed class CnnTrainingTests
{
    internal static Sequential SmallCnn() => new(
        new Conv2d(1, 8, 3, padding: 1), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 3, padding: 1), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(16 * 7 * 7, 10));

    internal static Sequential BenchCnn() => new(
        new Conv2d(1, 32, 3, padding: 1), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, padding: 1), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(64 * 7 * 7, 10));

    private static Dictionary<string, Tensor> Batch(int n, ulong seed)
    {
        var rng = new Axon.Graph.Builder.SeededRandom(seed);
        return new Dictionary<string, Tensor>
        {
            ["input"] = GradCheck.Random(seed, DType.Float32, n, 1, 28, 28),
            ["labels"] = Tensor.FromArray(Enumerable.Range(0, n).Select(_ => rng.Next(0, 10)).ToArray()),
        };
    }

    [Fact]
    public void Cnn_training_graph_gives_the_same_gradients_compiled_and_in_the_reference_executor()
    {
        var model = SmallCnn();
        var tg = model.BuildTraining(["batch", 1, 28, 28], seed: 3);
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"], tg.Parameters);
        var data = Batch(4, 11);
        var reference = GradCheck.RunTraining(tg, data);
        var compiled = GradCheck.RunCompiled(tg, data);
        Assert.Equal(reference[tg.LossOutput].GetDouble(0), compiled[tg.LossOutput].GetDouble(0), 4);
        foreach (var p in tg.Parameters)
        {
            var r = reference[tg.GradientOf[p]].ToArray<float>();
            var c = compiled[tg.GradientOf[p]].ToArray<float>();
            double scale = r.Max(v => Math.Abs(v)) + 1e-6;
            for (int i = 0; i < r.Length; i++)
            {
                Assert.True(Math.Abs(r[i] - c[i]) <= 1e-4 * scale, $"{p}[{i}]: reference {r[i]}, compiled {c[i]}");
            }
        }
    }

    [Fact]
    public void Sgd_steps_on_a_fixed_batch_reduce_the_loss()
    {
        var model = SmallCnn();
        var tg = model.BuildTraining(["batch", 1, 28, 28], seed: 5);
        var data = Batch(8, 21);
        var values = tg.InitialValues.ToDictionary(kv => kv.Key, kv => kv.Value);
        using var session = new InferenceSession(tg.ToModel(), new WorkerPool(1));
        double first = 0, last = 0;
        for (int step = 0; step < 15; step++)
        {
            var feeds = new Dictionary<string, Tensor>(data);
            foreach (var kv in values)
            {
                feeds[kv.Key] = kv.Value;
            }
            var outs = session.Run(feeds).ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value!);
            last = outs[tg.LossOutput].GetDouble(0);
            if (step == 0)
            {
                first = last;
            }
            foreach (var p in tg.Parameters)
            {
                var w = values[p].ToArray<float>();
                var g = outs[tg.GradientOf[p]].ToArray<float>();
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] -= 0.05f * g[i];
                }
                values[p] = Tensor.FromArray(w, values[p].Shape);
            }
        }
        Assert.True(last < first * 0.5, $"loss went from {first} to {last}");
    }

    /// <summary>Timing of one training step of the brief's CNN at batch 64 on one thread; runs only with AXON_PERF=1 (no timing asserts).</summary>
    [Fact]
    public void Cnn_step_timing_on_one_thread()
    {
        if (Environment.GetEnvironmentVariable("AXON_PERF") != "1")
        {
            return;
        }
        var tg = BenchCnn().BuildTraining(["batch", 1, 28, 28], seed: 1);
        var feeds = Batch(64, 1);
        foreach (var kv in tg.InitialValues)
        {
            feeds[kv.Key] = kv.Value;
        }
        using var pool = new WorkerPool(1);
        using var session = new InferenceSession(tg.ToModel(), pool);
        session.Run(feeds);
        var perStep = new Dictionary<string, double>();
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        const int steps = 10;
        for (int i = 0; i < steps; i++)
        {
            session.Run(feeds, (step, ms) => { var key = step.Node.OpType + " " + step.KernelName + " " + step.Node.DisplayName; perStep[key] = perStep.GetValueOrDefault(key) + ms; });
        }
        double total = sw.Elapsed.TotalMilliseconds / steps;
        proc.Refresh();
        double cpu = (proc.TotalProcessorTime - cpu0).TotalMilliseconds / steps;
        Console.WriteLine($"CNN training step, batch 64, 1 thread: {total:F1} ms");
        foreach (var kv in perStep.OrderByDescending(kv => kv.Value).Take(15))
        {
            Console.WriteLine($"  {kv.Value / steps,8:F2} ms  {kv.Key}");
        }
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "axon-cnn-step.txt"), $"wall {total:F1} ms, cpu {cpu:F1} ms per step (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})\n" + string.Join("\n", perStep.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Value / steps:F2} {kv.Key}")));
    }
}
