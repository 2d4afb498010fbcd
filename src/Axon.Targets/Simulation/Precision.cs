namespace Axon.Targets.Simulation;

/// <summary>Precisions the catalog knows, their storage size, and how a device maps one it lacks (auto-cast).</summary>
internal static class Precision
{
    public static readonly string[] All = ["fp32", "tf32", "bf16", "fp16", "fp8", "int8"];

    public static string Normalize(string p)
    {
        string s = p.Trim().ToLowerInvariant() switch
        {
            "float32" or "f32" => "fp32",
            "bfloat16" => "bf16",
            "float16" or "half" or "f16" => "fp16",
            var x => x,
        };
        return All.Contains(s) ? s : throw new AxonInputException($"unknown precision '{p}' (known: {string.Join(", ", All)})", "AXT007");
    }

    /// <summary>Bytes per stored element (tf32 is stored as fp32).</summary>
    public static int Bytes(string p) => p switch
    {
        "fp32" or "tf32" => 4,
        "bf16" or "fp16" => 2,
        _ => 1,
    };

    /// <summary>The precision the device actually runs for a request, and a note when it had to auto-cast.</summary>
    public static (string Effective, string? Note) OnDevice(DeviceSpec d, string requested)
    {
        if (d.Kind == "cpu" || d.PeakTflopsPerCore.ContainsKey(requested))
        {
            return (requested, null);
        }
        if (d.Autocast.TryGetValue(requested, out var to) && d.PeakTflopsPerCore.ContainsKey(to))
        {
            return (to, $"{d.Id} has no {requested}: auto-cast to {to}");
        }
        foreach (var fallback in new[] { "bf16", "fp16", "fp32" })
        {
            if (d.PeakTflopsPerCore.ContainsKey(fallback))
            {
                return (fallback, $"{d.Id} has no {requested}: auto-cast to {fallback}");
            }
        }
        throw new AxonInputException($"device '{d.Id}' lists no peak rate to run {requested} with", "AXT007");
    }
}
