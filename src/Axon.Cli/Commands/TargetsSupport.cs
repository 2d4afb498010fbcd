using System.Diagnostics;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Onnx;
using Axon.Runtime;
using Axon.Targets;

namespace Axon.Cli.Commands;

/// <summary>Shared by `axon project`, `axon advise` and `axon compile --target`: model loading, option parsing, cpu-local measurement.</summary>
internal static class TargetsSupport
{
    /// <summary>An .onnx file, or zoo:resnet50 / zoo:mlp for built-in shapes.</summary>
    public static (Model Model, string Name) LoadModel(string path)
    {
        if (path.StartsWith("zoo:", StringComparison.OrdinalIgnoreCase))
        {
            return path[4..].ToLowerInvariant() switch
            {
                "resnet50" => (ResNet50Zoo.Build(), "resnet50"),
                "mlp" => (ModelZoo.Mlp(), "mlp"),
                var z => throw new UsageException($"unknown zoo model '{z}' (known: resnet50, mlp)"),
            };
        }
        return (OnnxModel.Load(path), Path.GetFileNameWithoutExtension(path));
    }

    public static int[] Ints(string? s, string flag, int[] fallback)
    {
        if (string.IsNullOrWhiteSpace(s))
        {
            return fallback;
        }
        return s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => int.TryParse(x, out int v) && v > 0 ? v : throw new UsageException($"{flag}: '{x}' is not a positive integer")).ToArray();
    }

    public static Dictionary<string, long> Dims(string[]? specs)
    {
        var d = new Dictionary<string, long>(StringComparer.Ordinal) { ["seq"] = 128 };
        foreach (var spec in specs ?? [])
        {
            foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = part.IndexOf('=');
                if (eq <= 0 || !long.TryParse(part[(eq + 1)..], out long v) || v <= 0)
                {
                    throw new UsageException($"--dim: '{part}' is not NAME=N with N > 0");
                }
                d[part[..eq]] = v;
            }
        }
        return d;
    }

    public static string Band(double b) => FormattableString.Invariant($"±{b * 100:0}%");

    /// <summary>Runs the model briefly on this machine at one batch size (about a second) and returns the median latency.</summary>
    public static CpuMeasurement MeasureCpu(Model model, int batch, IReadOnlyDictionary<string, long> dims, double budgetSeconds = 1.0)
    {
        var bound = Projector.BindInputs(model, batch, dims);
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var vi in bound.Graph.RuntimeInputs)
        {
            var shape = vi.Type.Shape.ToInts();
            int n = shape.Aggregate(1, (a, b) => a * b);
            inputs[vi.Name] = vi.Type.ElemType switch
            {
                DType.Int64 => Tensor.FromArray(Enumerable.Repeat(1L, n).ToArray(), shape),
                DType.Int32 => Tensor.FromArray(Enumerable.Repeat(1, n).ToArray(), shape),
                _ => Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)Math.Sin(i)).ToArray(), shape),
            };
        }
        using var session = new InferenceSession(bound);
        var warm = Stopwatch.StartNew();
        session.Run(inputs); // warm-up: plan build and first-touch
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        // A slow model (over half the budget per run) is timed once more; a fast one until the budget is spent.
        int minRuns = warm.Elapsed.TotalSeconds > budgetSeconds / 2 ? 1 : 3;
        while (times.Count < minRuns || (total.Elapsed.TotalSeconds < budgetSeconds && times.Count < 50))
        {
            var sw = Stopwatch.StartNew();
            session.Run(inputs);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return new CpuMeasurement(batch, times[times.Count / 2]);
    }
}
