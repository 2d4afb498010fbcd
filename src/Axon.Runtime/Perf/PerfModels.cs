using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Onnx;

namespace Axon.Runtime.Perf;

/// <summary>A model compiled for one precision of a sweep.</summary>
internal sealed record PreparedPerfModel(LoadedModel Loaded, string Precision)
{
    public Model Model => Loaded.Model;
}

/// <summary>Reads the sweep's model and compiles it once per precision.</summary>
internal static class PerfModels
{
    public static PreparedPerfModel Prepare(PerfOptions o, string? precision)
    {
        var runtimeOptions = new ModelOptions { OptimizationLevel = o.OptimizationLevel };
        Model source;
        string name;
        if (o.ModelPath is { } path)
        {
            if (!File.Exists(path))
            {
                throw new AxonModelException($"model file '{path}' does not exist", "AXON170");
            }
            if (IsArtifact(path))
            {
                // An artifact carries the precision it was compiled with; the sweep cannot change it.
                var compiled = AxonFile.Load(path);
                string carried = PerfPrecision.Of(compiled.Metadata.Options);
                if (precision is not null && !string.Equals(precision, carried, StringComparison.OrdinalIgnoreCase))
                {
                    throw new AxonException($"'{path}' is a .axon artifact compiled as {carried}; it cannot run as {precision} " +
                        $"(compile the .onnx with that precision, or sweep the .onnx with --precision)", "AXP002");
                }
                return new PreparedPerfModel(ModelLoader.FromPath(path, runtimeOptions), carried);
            }
            source = OnnxModel.Load(path);
            name = Path.GetFileNameWithoutExtension(path);
        }
        else
        {
            source = o.Model ?? throw new AxonException("perf needs a model (a path or an in-memory model)", "AXR002");
            name = string.IsNullOrWhiteSpace(source.Graph.Name) ? "model" : source.Graph.Name;
        }
        string mode = precision ?? "fp32";
        var compileOptions = PerfPrecision.Apply(mode, new CompileOptions { OptLevel = o.OptimizationLevel });
        var optimized = Pipelines.For(compileOptions).Run(source, compileOptions);
        long weights = optimized.Graph.Initializers.Values.Sum(t => t.ByteLength);
        return new PreparedPerfModel(
            new LoadedModel(name, 1, runtimeOptions, optimized, null, null, weights, o.ModelPath is null ? "memory" : Path.GetFullPath(o.ModelPath)),
            mode.ToLowerInvariant());
    }

    private static bool IsArtifact(string path)
    {
        using var f = File.OpenRead(path);
        Span<byte> head = stackalloc byte[8];
        return f.Read(head) == 8 && AxonFile.LooksLikeArtifact(head);
    }
}
