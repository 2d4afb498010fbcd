using Axon.Kernels.Gemm;

namespace Axon.Kernels.Quant;

/// <summary>What an INT8 GEMM writes.</summary>
public enum QOutputKind
{
    /// <summary>FP32: the corrected int32 sum times row scale × column scale, then the float epilogue (bias, residual, activation).</summary>
    Float32,

    /// <summary>The exact int32 sum with zero points subtracted (MatMulInteger).</summary>
    Int32,

    /// <summary>Requantized to u8: round_half_even(sum · multiplier[j]) + zero, saturated (QLinearMatMul).</summary>
    UInt8,

    /// <summary>Requantized to s8, as <see cref="UInt8"/>.</summary>
    Int8,
}

/// <summary>
/// The quantization parameters and epilogue of one INT8 GEMM. The int32 sum is corrected for zero points with row sums of
/// A and column sums of B: Σ(a - za)(b - zb) = Σab - za·Σb - zb·Σa + K·za·zb. Pointers may be null where a scalar
/// field gives the per-tensor value.
/// </summary>
public unsafe struct QGemmOutput
{
    public QOutputKind Kind;

    /// <summary>A's zero point per row (length M) or null for <see cref="AZero"/>.</summary>
    public int* RowZero;
    public int AZero;

    /// <summary>Float32: A's scale per row (length M) or null for <see cref="AScale"/>.</summary>
    public float* RowScale;
    public float AScale;

    /// <summary>Float32: B's scale per column (length N) or null for <see cref="BScale"/>.</summary>
    public float* ColScale;
    public float BScale;

    /// <summary>UInt8/Int8: the float multiplier per column (a_scale·b_scale/y_scale), applied in double like the reference.</summary>
    public float* Multiplier;
    public int OutZero;

    /// <summary>UInt8/Int8/Int32: an int32 bias per column (length N) added to the exact sum before requantization, or null.</summary>
    public int* Bias;

    /// <summary>UInt8/Int8: a narrower output range than the type's when <see cref="Clamp"/> (a fused Relu or Clip).</summary>
    public bool Clamp;
    public int QMin, QMax;

    /// <summary>Float32: the float epilogue after dequantization.</summary>
    public GemmEpilogue Epilogue;

    /// <summary>Float32 output with per-row dynamic A parameters and per-column B scales.</summary>
    public static QGemmOutput Dequantize(float* rowScale, int* rowZero, float* colScale, in GemmEpilogue epilogue = default) =>
        new() { Kind = QOutputKind.Float32, RowScale = rowScale, RowZero = rowZero, ColScale = colScale, Epilogue = epilogue };
}
