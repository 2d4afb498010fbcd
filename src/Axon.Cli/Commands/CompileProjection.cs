using System.Globalization;
using Axon.Compiler;
using Axon.Targets;

namespace Axon.Cli.Commands;

/// <summary>`axon compile --target inf2`: the projection of the optimized graph on the target, printed beside the compile result.</summary>
internal static class CompileProjection
{
    public static int Print(CliIO io, TargetCatalog catalog, string target, string modelPath, CompileOptions options)
    {
        var (model, name) = TargetsSupport.LoadModel(modelPath);
        var prepared = Projector.Prepare(model, Math.Max(1, options.OptLevel), name);
        var instance = catalog.DefaultInstance(target);
        var projector = new Projector(catalog);
        var dims = TargetsSupport.Dims(options.Buckets.Select(kv => $"{kv.Key}={kv.Value.Max()}").ToArray());
        io.Out.WriteLine($"projection on {target} ({catalog.Target(target).Name}), one replica per core of {instance.Name}:");
        foreach (int b in options.BatchSizes.Count > 0 ? options.BatchSizes : [1])
        {
            var r = projector.ProjectInstance(prepared, instance, b, options.AutoCast == AutoCast.None ? "fp32" : options.AutoCastType == CastType.Float16 ? "fp16" : "bf16", dims);
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  batch {b}: {r.LatencyMs:F3} ms per batch {TargetsSupport.Band(r.ErrorBand)}, {r.Throughput:F1} inferences/s per instance ({r.Replicas} cores), {r.Precision}, {r.Bound.ToString().ToLowerInvariant()}-bound, utilization {r.Utilization:P1}"));
            foreach (var note in r.Notes)
            {
                io.Out.WriteLine("  note: " + note);
            }
        }
        return CliHost.Ok;
    }
}
