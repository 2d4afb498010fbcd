using Axon.Compiler.Artifact;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Onnx;

namespace Axon.Runtime;

/// <summary>A model read and optimized, with what the runtime needs to place it.</summary>
internal sealed record LoadedModel(string Name, int Version, ModelOptions Options, Model Model, int[]? Profiles,
    IReadOnlyDictionary<string, int[]>? Buckets, long WeightBytes, string Source);

/// <summary>Reads <c>.onnx</c> (optimized at the requested level) or <c>.axon</c> (already compiled) models.</summary>
internal static class ModelLoader
{
    public static LoadedModel FromPath(string path, ModelOptions options)
    {
        if (!File.Exists(path))
        {
            throw new AxonModelException($"model file '{path}' does not exist", "AXON170");
        }
        bool artifact;
        using (var f = File.OpenRead(path))
        {
            var head = new byte[8];
            artifact = f.Read(head) == 8 && AxonFile.LooksLikeArtifact(head);
        }
        string name = options.Name ?? Path.GetFileNameWithoutExtension(path);
        if (artifact)
        {
            var compiled = AxonFile.Load(path);
            var o = compiled.Metadata.Options;
            int[]? profiles = options.BatchProfiles ?? (o.DynamicBatch || o.BatchSizes.Count == 0 ? null : [.. o.BatchSizes]);
            var buckets = options.Buckets ?? (o.Buckets.Count > 0 ? o.Buckets : null);
            return Build(name, options, Compiler.Compiler.ToModel(compiled), profiles, buckets, Path.GetFullPath(path), optimize: false);
        }
        if (options.CacheDir is { } cacheDir)
        {
            // Through the compile cache: a hit skips parsing and every pass; a miss compiles once and stores the artifact.
            var bytes = File.ReadAllBytes(path);
            var copts = CompileOptionsFor(options);
            var result = Compiler.Compiler.TryLoadCached(bytes, copts, cacheDir)
                ?? Compiler.Compiler.Compile(OnnxModel.Load(bytes, Path.GetDirectoryName(Path.GetFullPath(path))), copts, bytes, cacheDir);
            LastLoadWasCacheHit = result.CacheHit;
            return Build(name, options, Compiler.Compiler.ToModel(result.Model), options.BatchProfiles, options.Buckets,
                Path.GetFullPath(path), optimize: false);
        }
        return Build(name, options, OnnxModel.Load(path), options.BatchProfiles, options.Buckets, Path.GetFullPath(path), optimize: true);
    }

    /// <summary>Whether the calling thread's last cached load was a compile-cache hit (for tests and logs).</summary>
    [ThreadStatic]
    internal static bool LastLoadWasCacheHit;

    private static Axon.Compiler.CompileOptions CompileOptionsFor(ModelOptions options) => new()
    {
        OptLevel = options.OptimizationLevel,
        AutoCast = options.AutoCast,
        AutoCastType = options.AutoCastType,
    };

    public static LoadedModel FromModel(Model model, ModelOptions options) =>
        Build(options.Name ?? model.Graph.Name, options, model, options.BatchProfiles, options.Buckets, "memory", optimize: true);

    private static LoadedModel Build(string name, ModelOptions options, Model model, int[]? profiles, IReadOnlyDictionary<string, int[]>? buckets,
        string source, bool optimize)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new AxonException("a model needs a name (ModelOptions.Name)", "AXR002");
        }
        if (options.Version < 1)
        {
            throw new AxonException($"model '{name}': version must be >= 1, got {options.Version}", "AXR002");
        }
        if (options.OptimizationLevel is < 0 or > 3)
        {
            throw new AxonException($"model '{name}': optimization level must be 0-3, got {options.OptimizationLevel}", "AXR002");
        }
        var optimized = optimize
            ? Pipelines.For(CompileOptionsFor(options)).Run(model)
            : model;
        long weights = optimized.Graph.Initializers.Values.Sum(t => t.ByteLength);
        return new LoadedModel(name, options.Version, options, optimized, profiles, buckets, weights, source);
    }
}
