namespace Axon.Compiler;

public enum AutoCast
{
    None,
    MatMult,
    All,
}

public enum CastType
{
    BFloat16,
    Float16,
}

/// <summary>Everything that changes what the compiler produces; part of the compile-cache key.</summary>
public sealed record CompileOptions
{
    /// <summary>Optimization level 0-3.</summary>
    public int OptLevel { get; init; } = 2;

    /// <summary>Batch sizes to plan for; empty means the model's own shapes (or 1 for a symbolic batch).</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [];

    /// <summary>Plan for any batch size at run time instead of fixed profiles.</summary>
    public bool DynamicBatch { get; init; }

    /// <summary>Shape buckets per symbolic dimension, e.g. seq → [32, 64, 128].</summary>
    public IReadOnlyDictionary<string, int[]> Buckets { get; init; } = new Dictionary<string, int[]>();

    public string Target { get; init; } = "cpu";
    public AutoCast AutoCast { get; init; } = AutoCast.None;
    public CastType AutoCastType { get; init; } = CastType.BFloat16;

    /// <summary>Passes after which to print the graph (pass names, or "all").</summary>
    public IReadOnlyList<string> DumpAfter { get; init; } = [];
}
