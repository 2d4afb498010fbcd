using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Axon.Compiler.Artifact;
using Axon.Compiler.Passes;
using Axon.Compiler.Planning;
using Axon.Graph;

namespace Axon.Compiler;

/// <summary>
/// Progress of a compile, for progress bars and logs: a pass or phase starting (<paramref name="Duration"/> null) or
/// done (with how long it took). <paramref name="Elapsed"/> is the time since the compile began.
/// </summary>
public sealed record CompileProgress(string Phase, TimeSpan Elapsed, TimeSpan? Duration = null, bool Changed = false);

/// <summary>
/// The compiler's entry point: runs the optimization pipeline for the requested level, plans every batch profile
/// (kernel per node, arena layout) and packages the result as a <see cref="CompiledModel"/> that saves to <c>.axon</c>.
/// With a cache directory, an identical compile (same model bytes, options and compiler version) is a cache hit.
/// </summary>
public static class Compiler
{
    /// <summary>Compiles an in-memory model. <paramref name="sourceBytes"/> (the ONNX file) keys the cache when given.</summary>
    public static CompileResult Compile(Model model, CompileOptions options, byte[]? sourceBytes = null, string? cacheDir = null,
        Action<CompileProgress>? progress = null)
    {
        string hash = CacheKey(sourceBytes, model, options);
        if (cacheDir is not null && sourceBytes is not null && TryLoadCached(hash, cacheDir, progress) is { } hit)
        {
            return hit;
        }
        SupportCheck.Ensure(model);
        var pm = Pipelines.For(options);
        var sw = Stopwatch.StartNew();
        pm.Progress = pass => progress?.Invoke(new CompileProgress(pass, sw.Elapsed));
        pm.Completed = t => progress?.Invoke(new CompileProgress(t.Pass, sw.Elapsed, t.Elapsed, t.Changed));
        var optimized = pm.Run(model, options);
        var profiles = new List<PlanProfile>();
        foreach (var shapes in ProfileShapes(optimized, options))
        {
            string phase = $"plan {string.Join(",", shapes.Select(kv => kv.Key + "=" + string.Join("x", kv.Value)))}";
            progress?.Invoke(new CompileProgress(phase, sw.Elapsed));
            var planStart = sw.Elapsed;
            var plan = PlanBuilder.Build(optimized, shapes);
            var nodes = PlannedNodes(plan, optimized, shapes);
            profiles.Add(new PlanProfile
            {
                Bindings = shapes.ToDictionary(kv => kv.Key, kv => kv.Value.Length > 0 ? kv.Value[0] : 1),
                InputShapes = shapes.ToDictionary(kv => kv.Key, kv => kv.Value),
                PeakActivationBytes = plan.Memory.PeakBytes,
                NaiveActivationBytes = plan.Memory.NaiveBytes,
                Nodes = nodes,
                Buffers = plan.Memory.Requests.Select((r, i) => new PlannedBuffer(r.Name, plan.Memory.Offsets[i], r.Bytes, r.FirstStep, r.LastStep)).ToList(),
                Flops = nodes.Any(n => n.Flops < 0) ? -1 : nodes.Sum(n => n.Flops),
            });
            progress?.Invoke(new CompileProgress(phase, sw.Elapsed, sw.Elapsed - planStart, true));
        }
        var meta = new ArtifactMetadata
        {
            SourceHash = hash,
            Options = options,
            OpsetImports = new Dictionary<string, long>(optimized.OpsetImports),
            ModelMetadata = new Dictionary<string, string>(model.Metadata),
            NodesBefore = model.Graph.Nodes.Count,
            NodesAfter = optimized.Graph.Nodes.Count,
            OpHistogramBefore = Histogram(model.Graph),
            OpHistogramAfter = Histogram(optimized.Graph),
            Profiles = profiles,
            PassStats = pm.LastContext?.Stats ?? [],
        };
        var compiled = new CompiledModel(optimized.Graph, meta);
        string? saved = null;
        if (cacheDir is not null && sourceBytes is not null)
        {
            Directory.CreateDirectory(cacheDir);
            saved = Path.Combine(cacheDir, hash + ".axon");
            AxonFile.Save(compiled, saved);
        }
        return new CompileResult(compiled, CacheHit: false, pm.Timings.ToList(), saved);
    }

    /// <summary>
    /// The cached artifact for these ONNX bytes and options, or null: the cache key needs only the bytes, so a caller
    /// holding the file can skip parsing the model entirely on a hit.
    /// </summary>
    public static CompileResult? TryLoadCached(byte[] sourceBytes, CompileOptions options, string cacheDir, Action<CompileProgress>? progress = null) =>
        TryLoadCached(CacheKey(sourceBytes, null, options), cacheDir, progress);

    /// <summary>
    /// The cached artifact for the ONNX file at <paramref name="sourcePath"/>, or null. The key is the same content hash
    /// as for the bytes (XxHash128 of the file, streamed in 1 MiB blocks), so a hit neither allocates the model's bytes
    /// nor parses it. Content, not (path, size, mtime), keys the cache: a file replaced in place with the same size and
    /// timestamp (cp -p, a checkout, a coarse-mtime filesystem) must never hit a stale artifact, and hashing costs
    /// about as much as reading the file once.
    /// </summary>
    public static CompileResult? TryLoadCachedFile(string sourcePath, CompileOptions options, string cacheDir, Action<CompileProgress>? progress = null)
    {
        var h = new XxHash128();
        using (var fs = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            var block = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                int n;
                while ((n = fs.Read(block, 0, block.Length)) > 0)
                {
                    h.Append(block.AsSpan(0, n));
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(block);
            }
        }
        return TryLoadCached(KeyOf(h, options), cacheDir, progress);
    }

    private static CompileResult? TryLoadCached(string hash, string cacheDir, Action<CompileProgress>? progress)
    {
        string path = Path.Combine(cacheDir, hash + ".axon");
        if (!File.Exists(path))
        {
            return null;
        }
        var sw0 = Stopwatch.StartNew();
        try
        {
            var cached = AxonFile.Load(path);
            progress?.Invoke(new CompileProgress("cache-hit", sw0.Elapsed, sw0.Elapsed));
            return new CompileResult(cached, CacheHit: true, [], path);
        }
        catch (AxonCompileException)
        {
            // A corrupt cache entry is recompiled and replaced, never trusted.
            return null;
        }
    }

    /// <summary>The model a compiled artifact runs (its optimized graph with the opsets it needs).</summary>
    public static Model ToModel(CompiledModel compiled)
    {
        var m = new Model(compiled.Graph);
        m.OpsetImports.Clear();
        foreach (var kv in compiled.Metadata.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        foreach (var kv in compiled.Metadata.ModelMetadata)
        {
            m.Metadata[kv.Key] = kv.Value;
        }
        return m;
    }

    /// <summary>Input shapes per batch profile: symbolic batch dims bound to each size, other symbols to 1 unless bucketed.</summary>
    public static IEnumerable<Dictionary<string, int[]>> ProfileShapes(Model model, CompileOptions options)
    {
        var inputs = model.Graph.RuntimeInputs.Where(i => i.Type.Kind == TypeKind.Tensor && i.Type.Shape.HasRank).ToList();
        if (inputs.Count == 0 || options.DynamicBatch)
        {
            yield break;
        }
        var sizes = options.BatchSizes.Count > 0 ? options.BatchSizes : [1];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (int b in sizes)
        {
            var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
            foreach (var vi in inputs)
            {
                shapes[vi.Name] = vi.Type.Shape.Dims.Select((d, i) => d.IsKnown ? (int)d.Value
                    : i == 0 ? b
                    : d.Symbol is { } s && options.Buckets.TryGetValue(s, out var bucket) && bucket.Length > 0 ? bucket[^1]
                    : 1).ToArray();
            }
            // A model with a fixed batch gives the same shapes for every size: plan them once.
            if (seen.Add(string.Join(";", shapes.Select(kv => kv.Key + "=" + string.Join("x", kv.Value)))))
            {
                yield return shapes;
            }
        }
    }

    /// <summary>Per step: kernel, FLOPs and bytes at the profile's concrete shapes, and the element type it computes in.</summary>
    private static List<PlannedNode> PlannedNodes(ExecutionPlan plan, Model optimized, IReadOnlyDictionary<string, int[]> shapes)
    {
        var costs = new Dictionary<string, Axon.Graph.Analysis.NodeCost>(StringComparer.Ordinal);
        foreach (var c in Axon.Graph.Analysis.CostModel.Estimate(PlanBuilder.Specialize(optimized, shapes)).Nodes)
        {
            if (c.Node.Outputs.FirstOrDefault(o => o.Length > 0) is { } key)
            {
                costs.TryAdd(key, c);
            }
        }
        return plan.Steps.Select(s =>
        {
            long flops = -1, bytes = -1;
            if (s.Node.Outputs.FirstOrDefault(o => o.Length > 0) is { } key && costs.TryGetValue(key, out var c))
            {
                flops = c.Flops.ConstValue ?? -1;
                bytes = (c.BytesRead + c.BytesWritten).ConstValue ?? -1;
            }
            var outSlot = s.Outputs.FirstOrDefault(o => o >= 0, -1);
            string precision = outSlot >= 0 ? plan.Slots[outSlot].DType.OnnxName() : "";
            return new PlannedNode(s.Node.DisplayName, s.Node.Domain.Length > 0 ? $"{s.Node.Domain}:{s.Node.OpType}" : s.Node.OpType,
                s.KernelName, flops, bytes, precision);
        }).ToList();
    }

    private static Dictionary<string, int> Histogram(Axon.Graph.Graph g) =>
        g.Nodes.GroupBy(n => n.Domain.Length > 0 ? $"{n.Domain}:{n.OpType}" : n.OpType)
            .OrderByDescending(x => x.Count()).ThenBy(x => x.Key, StringComparer.Ordinal)
            .ToDictionary(x => x.Key, x => x.Count());

    private static string CacheKey(byte[]? source, Model? model, CompileOptions options)
    {
        var h = new XxHash128();
        if (source is not null)
        {
            h.Append(source);
        }
        else if (model is not null)
        {
            h.Append(Encoding.UTF8.GetBytes($"{model.Graph.Name}|{model.Graph.Nodes.Count}|{string.Join(",", model.Graph.Nodes.Select(n => n.OpType))}"));
        }
        return KeyOf(h, options);
    }

    private static string KeyOf(XxHash128 sourceHash, CompileOptions options)
    {
        sourceHash.Append(JsonSerializer.SerializeToUtf8Bytes(options));
        sourceHash.Append(Encoding.UTF8.GetBytes(CompilerInfo.Version + "|" + AxonFile.FormatVersion));
        return Convert.ToHexStringLower(sourceHash.GetCurrentHash());
    }
}

/// <summary>A compile's outcome: the artifact, whether it came from the cache, and how long each pass took.</summary>
public sealed record CompileResult(CompiledModel Model, bool CacheHit, IReadOnlyList<PassTiming> Timings, string? CachePath);
