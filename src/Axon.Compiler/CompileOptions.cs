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

/// <summary>INT8 quantization the compiler applies (see docs/precision.md).</summary>
public enum QuantizeMode
{
    /// <summary>Keep the model's precision.</summary>
    None,

    /// <summary>Weights of MatMul/Gemm quantized per output channel at compile time, activations per row at run time.</summary>
    Dynamic,
}

/// <summary>How auto-cast rounds FP32 values to BF16/FP16.</summary>
public enum CastRounding
{
    Nearest,

    /// <summary>Seeded stochastic rounding (reproducible: the seed is part of the options).</summary>
    Stochastic,
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

    /// <summary>INT8 quantization to apply after the optimization pipeline.</summary>
    public QuantizeMode Quantize { get; init; } = QuantizeMode.None;

    /// <summary>Node names (or output names) to keep in FP32 when quantizing or auto-casting.</summary>
    public IReadOnlyList<string> PrecisionExclude { get; init; } = [];

    /// <summary>Rounding of auto-cast weights.</summary>
    public CastRounding CastRounding { get; init; } = CastRounding.Nearest;

    /// <summary>Seed of stochastic rounding.</summary>
    public int CastSeed { get; init; } = 1234;

    /// <summary>Passes after which to print the graph (pass names, or "all").</summary>
    public IReadOnlyList<string> DumpAfter { get; init; } = [];
}
