using System.Diagnostics;
using Axon.Runtime;
using Tensor = Axon.Tensor;

namespace Axon.Bench.Peers;

/// <summary>
/// Sequential batch-1 latency through the dynamic batcher with and without idle dispatch (a lone request on an idle
/// model runs at once), against the bare synchronous run, in one process, alternating rounds:
/// <c>dotnet run -c Release --project bench/Axon.Bench.Peers -- --batcher-latency [--model models/fashion_mnist/1/model.onnx]
/// [--rounds 5] [--iterations 400] [--delay-us 200]</c>. Prints each round's p50 and the best-round p50 of each mode.
/// </summary>
internal static class BatcherLatencyBench
{
    public static void Run(string[] args)
    {
        string model = Value(args, "--model") ?? Path.Combine(FindRepo(), "models", "fashion_mnist", "1", "model.onnx");
        int rounds = int.Parse(Value(args, "--rounds") ?? "5");
        int iterations = int.Parse(Value(args, "--iterations") ?? "400");
        int delay = int.Parse(Value(args, "--delay-us") ?? "200");
        using var runtime = new AxonRuntime();
        ModelHandle Load(int version, bool idle) => runtime.Load(model, new ModelOptions
        {
            Name = "m", Version = version,
            Batching = new BatchingOptions { MaxBatchSize = 64, PreferredBatchSizes = [8, 16, 32], MaxQueueDelayMicroseconds = delay, DispatchWhenIdle = idle },
        });
        using var waiting = Load(1, false);
        using var idleDispatch = Load(2, true);
        var vi = waiting.Inputs[0];
        var shape = Enumerable.Range(0, vi.Type.Shape.Rank).Select(d => vi.Type.Shape[d].IsKnown ? (int)vi.Type.Shape[d].Value : 1).ToArray();
        shape[0] = 1;
        var rng = new Random(7);
        var x = Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)rng.NextDouble()).ToArray(), shape);
        var feeds = new Dictionary<string, Tensor> { [vi.Name] = x };
        var modes = new (string Name, Func<double> Once)[]
        {
            ("batcher, waits max_queue_delay", () => Time(() => waiting.RunAsync(feeds).GetAwaiter().GetResult())),
            ("batcher, idle dispatch", () => Time(() => idleDispatch.RunAsync(feeds).GetAwaiter().GetResult())),
            ("bare ModelHandle.Run", () => Time(() => idleDispatch.Run(feeds))),
        };
        foreach (var m in modes)
        {
            for (int i = 0; i < 50; i++)
            {
                m.Once();
            }
        }
        var best = modes.Select(_ => double.MaxValue).ToArray();
        Console.WriteLine($"sequential batch-1 latency of {Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(model)))}, max_queue_delay {delay} us, {iterations} requests per mode per round");
        for (int r = 0; r < rounds; r++)
        {
            var line = new List<string>();
            for (int k = 0; k < modes.Length; k++)
            {
                var t = Enumerable.Range(0, iterations).Select(_ => modes[k].Once()).Order().ToArray();
                double p50 = t[t.Length / 2];
                best[k] = Math.Min(best[k], p50);
                line.Add($"{modes[k].Name} p50 {p50:F3} ms");
            }
            Console.WriteLine($"round {r + 1}: " + string.Join("; ", line));
        }
        for (int k = 0; k < modes.Length; k++)
        {
            Console.WriteLine($"best-round p50  {modes[k].Name,-34} {best[k]:F3} ms");
        }
    }

    private static double Time(Action a)
    {
        long t0 = Stopwatch.GetTimestamp();
        a();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    private static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Axon.sln")))
            {
                return d.FullName;
            }
        }
        return Environment.CurrentDirectory;
    }
}
