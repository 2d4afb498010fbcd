using System.CommandLine;
using Axon.Cli.Rendering;
using Axon.Cli.Running;
using Axon.Graph.Reference;
using Axon.IO;
using Axon.Onnx;

namespace Axon.Cli.Commands;

/// <summary><c>axon run MODEL --input NAME=FILE.npy ... [--output-dir DIR]</c>: runs a model once with the reference executor.</summary>
internal static class RunCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string>("model") { Description = "the .onnx model (run by the reference executor) or a compiled .axon artifact (run on the compiled path)" };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "a model input as NAME=FILE.npy, or NAME=FILE.pb for a serialized ONNX TensorProto (repeat for each input)",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var outDir = new Option<string?>("--output-dir", "-o") { Description = "write each output to DIR/<output>.npy" };
        var compile = new Option<bool>("--compile") { Description = "compile an .onnx model at -O2 and run the compiled path (fast kernels) instead of the reference executor" };
        var threads = new Option<int>("--threads") { Description = "threads for the compiled path", DefaultValueFactory = _ => Environment.ProcessorCount };
        var iterations = new Option<int>("--iterations") { Description = "timed runs after the first (0: no timing)", DefaultValueFactory = _ => 0 };
        var warmup = new Option<int>("--warmup") { Description = "untimed runs before timing", DefaultValueFactory = _ => 3 };
        var json = new Option<string?>("--json") { Description = "write {median_ms, p90_ms, iterations, threads, ...} to this file" };
        var cmd = new Command("run", "Run a model on .npy inputs with the reference executor and print its outputs") { model, inputs, outDir, compile, threads, iterations, warmup, json };
        cmd.SetAction(p =>
        {
            var timing = new RunTiming(p.GetValue(compile),
                p.GetValue(threads) is >= 1 and <= 1024 and var th ? th : throw new UsageException("--threads must be between 1 and 1024"),
                p.GetValue(iterations) is >= 0 and var it ? it : throw new UsageException("--iterations must be 0 or more"),
                p.GetValue(warmup) is >= 0 and var w ? w : throw new UsageException("--warmup must be 0 or more"),
                p.GetValue(json));
            return Run(io, p.GetValue(model)!, p.GetValue(inputs) ?? [], p.GetValue(outDir), timing);
        });
        return cmd;
    }

    private static bool IsArtifact(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            var head = new byte[8];
            return f.Read(head) == 8 && Compiler.Artifact.AxonFile.LooksLikeArtifact(head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int Run(CliIO io, string modelPath, string[] inputArgs, string? outDir, RunTiming timing)
    {
        var assignments = InputBinder.ParseAssignments(inputArgs);
        Func<IReadOnlyList<KeyValuePair<string, IValue?>>> runOnce;
        Runtime.InferenceSession? session = null;
        Kernels.Threading.WorkerPool? pool = null;
        string engine;
        try
        {
            if (IsArtifact(modelPath) || timing.Compile)
            {
                // The compiled path: planned arena, fast kernels, reference fallback. An .onnx model is compiled at -O2 first.
                var model = IsArtifact(modelPath)
                    ? Compiler.Compiler.ToModel(Compiler.Artifact.AxonFile.Load(modelPath))
                    : Compiler.Passes.Pipelines.For(2).Run(OnnxModel.Load(modelPath));
                var feeds = InputBinder.Bind(model.Graph, assignments).ToDictionary(kv => kv.Key, kv => kv.Value as Tensor
                    ?? throw new AxonInputException($"input '{kv.Key}' must be a tensor on the compiled path", "AXON208"));
                pool = new Kernels.Threading.WorkerPool(timing.Threads);
                session = new Runtime.InferenceSession(model, pool);
                var s = session;
                runOnce = () => s.Run(feeds);
                engine = "compiled";
            }
            else
            {
                var model = OnnxModel.Load(modelPath);
                var feeds = InputBinder.Bind(model.Graph, assignments);
                var executor = new ReferenceExecutor(model);
                runOnce = () => executor.Run(feeds);
                engine = "reference";
            }
            var outputs = runOnce();
            if (timing.Iterations > 0)
            {
                Time(io, runOnce, timing, engine);
            }
            return WriteOutputs(io, outputs, outDir);
        }
        finally
        {
            session?.Dispose();
            pool?.Dispose();
        }
    }

    /// <summary>W warm-up runs, then K timed runs; prints and optionally writes median and p90 latency.</summary>
    private static void Time(CliIO io, Func<IReadOnlyList<KeyValuePair<string, IValue?>>> runOnce, RunTiming t, string engine)
    {
        for (int i = 0; i < t.Warmup; i++)
        {
            runOnce();
        }
        var ms = new double[t.Iterations];
        for (int i = 0; i < ms.Length; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            runOnce();
            ms[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var sorted = ms.Order().ToArray();
        double Pct(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        io.Out.WriteLine($"timing ({engine}, {t.Threads} thread{(t.Threads == 1 ? "" : "s")}): median {median:F3} ms, p90 {Pct(0.9):F3} ms, " +
            $"min {sorted[0]:F3} ms over {t.Iterations} runs after {t.Warmup} warm-up");
        if (t.Json is not null)
        {
            File.WriteAllText(t.Json, System.Text.Json.JsonSerializer.Serialize(new
            {
                median_ms = median, p90_ms = Pct(0.9), min_ms = sorted[0], max_ms = sorted[^1], iterations = t.Iterations,
                warmup = t.Warmup, threads = t.Threads, engine, samples_ms = ms,
            }, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
    }

    private static int WriteOutputs(CliIO io, IReadOnlyList<KeyValuePair<string, IValue?>> outputs, string? outDir)
    {
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
        }
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in outputs)
        {
            io.Out.WriteLine($"{name}: {ValueFormat.Describe(value)}");
            if (outDir is null)
            {
                continue;
            }
            if (value is not Tensor t)
            {
                io.Err.WriteLine($"warning: output '{name}' is not a tensor; not written");
                continue;
            }
            if (!Npy.CanWrite(t.DType))
            {
                io.Err.WriteLine($"warning: output '{name}' is {t.DType.OnnxName()}, which NumPy cannot store; not written");
                continue;
            }
            string file = Path.Combine(outDir, ValueFormat.SafeFileName(name, used) + ".npy");
            Npy.Write(file, t);
            io.Out.WriteLine($"  wrote {file}");
        }
        return CliHost.Ok;
    }
}

/// <summary>How <c>axon run</c> should execute and time a model.</summary>
internal sealed record RunTiming(bool Compile, int Threads, int Iterations, int Warmup, string? Json);
