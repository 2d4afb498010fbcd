using System.Diagnostics;
using System.Text.Json.Serialization;
using Axon.Compiler;
using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;

namespace Axon.Runtime.Precision;

/// <summary>What <c>axon precision-sweep</c> measures.</summary>
public sealed record SweepRequest
{
    public required string ModelPath { get; init; }

    /// <summary>Samples to run and compare (one sub-folder per sample).</summary>
    public required string InputsDir { get; init; }

    /// <summary>Calibration samples for the static INT8 mode; without them that mode is skipped.</summary>
    public string? CalibrationDir { get; init; }

    public IReadOnlyList<int>? Labels { get; init; }

    public int Threads { get; init; } = 1;

    /// <summary>Alternating timing rounds over (up to 8 of) the samples.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Calibration for the static mode.</summary>
    public StaticQuantizeOptions Static { get; init; } = new() { Method = CalibrationMethod.Entropy, Qdq = new QdqOptions { PerChannel = true } };
}

/// <summary>One precision mode's speed and accuracy against FP32 (accuracy fields null where not applicable).</summary>
public sealed record SweepRow
{
    [JsonPropertyName("mode")]
    public required string Mode { get; init; }

    [JsonPropertyName("median_ms")]
    public double MedianMs { get; init; }

    [JsonPropertyName("speedup")]
    public double SpeedUp { get; init; }

    [JsonPropertyName("worst_cosine")]
    public double WorstCosine { get; init; } = 1;

    [JsonPropertyName("max_abs")]
    public double MaxAbs { get; init; }

    [JsonPropertyName("top1_agreement")]
    public double? Top1Agreement { get; init; }

    [JsonPropertyName("top1_accuracy")]
    public double? Accuracy { get; init; }

    /// <summary>Bytes of constant data (weights) in the compiled model.</summary>
    [JsonPropertyName("weight_bytes")]
    public long WeightBytes { get; init; }

    /// <summary>Why the mode did not run (null when it did).</summary>
    [JsonPropertyName("skipped")]
    public string? Skipped { get; init; }
}

/// <summary>
/// Compiles a model in every precision Axon offers — FP32; BF16 and FP16 auto-cast of matrix products and of everything;
/// INT8 dynamic; INT8 static calibrated on a sample set — runs each on the same samples, and reports what each choice
/// buys (median latency, speed-up over FP32, measured in alternating rounds in one process) against what it costs
/// (worst cosine and largest absolute error against FP32, top-1 agreement, accuracy with labels).
/// </summary>
public static class PrecisionSweep
{
    /// <summary>The modes in table order: name and compile options (null options: static INT8).</summary>
    public static readonly IReadOnlyList<(string Name, CompileOptions? Options)> Modes =
    [
        ("fp32", new CompileOptions()),
        ("bf16-matmult", new CompileOptions { AutoCast = AutoCast.MatMult, AutoCastType = CastType.BFloat16 }),
        ("bf16-all", new CompileOptions { AutoCast = AutoCast.All, AutoCastType = CastType.BFloat16 }),
        ("fp16-matmult", new CompileOptions { AutoCast = AutoCast.MatMult, AutoCastType = CastType.Float16 }),
        ("fp16-all", new CompileOptions { AutoCast = AutoCast.All, AutoCastType = CastType.Float16 }),
        ("int8-dynamic", new CompileOptions { Quantize = QuantizeMode.Dynamic }),
        ("int8-static", null),
    ];

    /// <summary>Runs the sweep; <paramref name="progress"/> gets (step description, steps done, total steps).</summary>
    public static IReadOnlyList<SweepRow> Run(SweepRequest r, Action<string, int, int>? progress = null)
    {
        byte[] bytes = File.Exists(r.ModelPath) ? File.ReadAllBytes(r.ModelPath) : throw new AxonInputException($"model '{r.ModelPath}' does not exist", "AXQ006");
        var model = OnnxModel.Load(bytes, Path.GetDirectoryName(Path.GetFullPath(r.ModelPath)));
        var samples = SampleSet.Load(r.InputsDir, model.Graph.RuntimeInputs);
        var calibration = r.CalibrationDir is null ? null : SampleSet.Load(r.CalibrationDir, model.Graph.RuntimeInputs);
        using var pool = new WorkerPool(Math.Max(1, r.Threads));
        int total = Modes.Count * 2 + 1, done = 0;
        var sessions = new List<(string Name, InferenceSession Session, long Bytes)>();
        var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, options) in Modes)
            {
                progress?.Invoke($"compile {name}", done++, total);
                try
                {
                    Model compiled;
                    if (options is not null)
                    {
                        compiled = Compiler.Compiler.ToModel(Compiler.Compiler.Compile(model, options, bytes).Model);
                    }
                    else if (calibration is null)
                    {
                        skipped[name] = "no --calibration samples";
                        continue;
                    }
                    else
                    {
                        var qdq = StaticQuantizer.Quantize(model, calibration, r.Static, pool).Model;
                        compiled = Compiler.Compiler.ToModel(Compiler.Compiler.Compile(qdq, new CompileOptions()).Model);
                    }
                    long weightBytes = compiled.Graph.Initializers.Values.Sum(t => t.ByteLength);
                    sessions.Add((name, new InferenceSession(compiled, pool), weightBytes));
                }
                catch (AxonException e)
                {
                    skipped[name] = $"{e.Code}: {e.Message}";
                }
            }
            var (_, fp, _) = sessions.FirstOrDefault(s => s.Name == "fp32");
            if (fp is null)
            {
                throw new AxonModelException($"the model does not compile in FP32: {skipped.GetValueOrDefault("fp32")}", "AXQ030");
            }
            var reports = new Dictionary<string, ComparisonReport>(StringComparer.Ordinal);
            foreach (var (name, s, _) in sessions)
            {
                progress?.Invoke($"accuracy {name}", done++, total);
                reports[name] = ModelComparer.Compare(fp, s, samples, r.Labels, timingRuns: 0);
            }
            done += Modes.Count - sessions.Count;
            progress?.Invoke("timing (alternating rounds)", done, total);
            var medians = Time(sessions.Select(s => s.Session).ToList(), samples, r.Rounds);
            progress?.Invoke("done", total, total);
            double fpMs = medians[0];
            var rows = new List<SweepRow>();
            foreach (var (name, _) in Modes)
            {
                int i = sessions.FindIndex(s => s.Name == name);
                if (i < 0)
                {
                    rows.Add(new SweepRow { Mode = name, Skipped = skipped.GetValueOrDefault(name, "not run") });
                    continue;
                }
                var rep = reports[name];
                rows.Add(new SweepRow
                {
                    Mode = name,
                    MedianMs = medians[i],
                    SpeedUp = medians[i] > 0 ? fpMs / medians[i] : 0,
                    WorstCosine = rep.WorstCosine,
                    MaxAbs = rep.Outputs.Count == 0 ? 0 : rep.Outputs.Max(o => o.MaxAbs),
                    Top1Agreement = rep.Top1Agreement,
                    Accuracy = rep.AccuracyB,
                    WeightBytes = sessions[i].Bytes,
                });
            }
            return rows;
        }
        finally
        {
            foreach (var s in sessions)
            {
                s.Session.Dispose();
            }
        }
    }

    /// <summary>Median per-sample latency of each session: rounds alternate between sessions so load drifts hit all alike.</summary>
    private static double[] Time(IReadOnlyList<InferenceSession> sessions, SampleSet samples, int rounds)
    {
        var subset = samples.Samples.Take(8).ToList();
        foreach (var s in sessions)
        {
            s.Run(subset[0]); // warm-up: plans built, pages touched
        }
        var times = sessions.Select(_ => new List<double>()).ToList();
        for (int round = 0; round < Math.Max(1, rounds); round++)
        {
            for (int i = 0; i < sessions.Count; i++)
            {
                foreach (var x in subset)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    sessions[i].Run(x);
                    times[i].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            }
        }
        return times.Select(t =>
        {
            t.Sort();
            return t[t.Count / 2];
        }).ToArray();
    }
}
