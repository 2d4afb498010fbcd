namespace Axon.Runtime;

/// <summary>Plans a model's activation arena at the largest shapes it will run (which also warms the plan cache).</summary>
internal static class MemoryEstimate
{
    public static long ArenaBytes(InferenceSession session, ShapeRules rules, BatchingOptions? batching)
    {
        int rows = rules.Profiles.Length > 0 ? rules.Profiles[^1] : Math.Max(1, batching?.MaxBatchSize ?? 1);
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var vi in session.Inputs)
        {
            if (vi.Type.Kind != Axon.Graph.TypeKind.Tensor || !vi.Type.Shape.HasRank)
            {
                return 0;
            }
            shapes[vi.Name] = vi.Type.Shape.Dims.Select((d, i) => d.IsKnown ? (int)d.Value
                : i == 0 && rules.Batchable ? rows
                : d.Symbol is { } s && rules.Buckets.TryGetValue(s, out var b) ? b[^1]
                : 1).ToArray();
        }
        return session.Prepare(shapes).ArenaBytes;
    }
}
