using Axon.Compiler;

namespace Axon.Runtime.Perf;

/// <summary>
/// The precisions <c>axon perf --precision</c> sweeps, each a way to compile the model: <c>fp32</c> as it is,
/// <c>bf16</c>/<c>fp16</c> auto-cast of the matrix weights (FP32 accumulation), <c>int8</c> dynamic quantization of
/// constant-weight products. Static INT8 (calibrated activation scales) plugs in through <see cref="Register"/>.
/// </summary>
public static class PerfPrecision
{
    private static readonly Dictionary<string, Func<CompileOptions, CompileOptions>> Modes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fp32"] = o => o,
        ["bf16"] = o => o with { AutoCast = AutoCast.MatMult, AutoCastType = CastType.BFloat16 },
        ["fp16"] = o => o with { AutoCast = AutoCast.MatMult, AutoCastType = CastType.Float16 },
        ["int8"] = o => o with { Quantize = QuantizeMode.Dynamic },
    };

    private static readonly object Gate = new();

    /// <summary>Every precision name known now, in a stable order.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate)
            {
                return [.. Modes.Keys];
            }
        }
    }

    /// <summary>
    /// Adds (or replaces) a precision: the hook static INT8 (<c>int8-static</c>, calibrated from a sample folder) uses to
    /// join the sweep without changing the runner.
    /// </summary>
    public static void Register(string name, Func<CompileOptions, CompileOptions> apply)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(apply);
        lock (Gate)
        {
            Modes[name] = apply;
        }
    }

    /// <summary>True when <paramref name="name"/> is a known precision.</summary>
    public static bool IsKnown(string name)
    {
        lock (Gate)
        {
            return Modes.ContainsKey(name);
        }
    }

    /// <summary>The compile options for <paramref name="name"/> on top of <paramref name="baseOptions"/> (AXP001 when unknown).</summary>
    public static CompileOptions Apply(string name, CompileOptions baseOptions)
    {
        Func<CompileOptions, CompileOptions>? apply;
        lock (Gate)
        {
            Modes.TryGetValue(name, out apply);
        }
        return apply is null
            ? throw new AxonException($"unknown precision '{name}' (known: {string.Join(", ", Names)}; static INT8 is not available yet)", "AXP001")
            : apply(baseOptions);
    }

    /// <summary>The precision a compiled artifact carries, named as <c>--precision</c> names it.</summary>
    public static string Of(CompileOptions o) =>
        o.Quantize != QuantizeMode.None ? o.Quantize.ToString().ToLowerInvariant() switch { "dynamic" => "int8", var q => "int8-" + q }
        : o.AutoCast != AutoCast.None ? (o.AutoCastType == CastType.Float16 ? "fp16" : "bf16")
        : "fp32";
}
