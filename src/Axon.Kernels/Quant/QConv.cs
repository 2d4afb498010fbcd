using Axon.Kernels.Conv;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Quant;

/// <summary>
/// The weights of an INT8 convolution, packed once per group as the B operand of <see cref="Qgemm"/>: group g's filters
/// [Kg, Cg·KH·KW] (the ONNX layout, row-major) become a <see cref="QuantizedMatrix"/> of K = Cg·KH·KW rows and N = Kg
/// columns, with the filters' zero points (per tensor or per output channel). u8 weights are shifted to s8 exactly.
/// </summary>
public sealed class QConvWeights : IDisposable
{
    private QConvWeights(ConvGeometry g, QuantizedMatrix[] groups)
    {
        Geometry = g;
        Groups = groups;
    }

    public ConvGeometry Geometry { get; }

    internal QuantizedMatrix[] Groups { get; }

    /// <summary>True when some group's pairs could saturate <c>vpmaddubsw</c> and the exact split path runs.</summary>
    public bool Split => Groups.Any(m => m.Split);

    /// <summary>Packs <paramref name="w"/> ([K, Cg, KH, KW] bytes, s8 unless <paramref name="unsigned"/>) with zero points (1 or K values, or none).</summary>
    public static QConvWeights Pack(ConvGeometry g, ReadOnlySpan<byte> w, bool unsigned, ReadOnlySpan<int> zeroPoints)
    {
        g.Validate();
        int rows = g.ColumnRows, kg = g.Kg;
        if (w.Length != g.WeightElements)
        {
            throw new ArgumentException($"INT8 convolution weights have {w.Length} values, the geometry needs {g.WeightElements}");
        }
        var groups = new QuantizedMatrix[g.Group];
        for (int gi = 0; gi < g.Group; gi++)
        {
            var slice = w.Slice(gi * kg * rows, kg * rows);
            var zp = zeroPoints.Length <= 1 ? zeroPoints : zeroPoints.Slice(gi * kg, kg);
            groups[gi] = unsigned
                ? QuantizedMatrix.PackUnsigned(slice, rows, kg, transposed: true, zp)
                : QuantizedMatrix.Pack(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(slice), rows, kg, transposed: true, zp);
        }
        return new QConvWeights(g, groups);
    }

    public void Dispose()
    {
        foreach (var m in Groups)
        {
            m.Dispose();
        }
    }
}

/// <summary>
/// INT8 convolution over NCHW as an implicit GEMM per image and group: the receptive fields are gathered into rows of
/// u8 (or s8) bytes — [output pixel][Cg·KH·KW], padding filled with the input zero point so it contributes exactly 0 —
/// multiplied by the packed filters on <see cref="Qgemm"/> (exact int32, the <c>vpmaddubsw</c> saturation handled by
/// <see cref="QuantizedMatrix"/>), written per pixel and output channel by the GEMM's epilogue (int32, requantized u8/s8
/// with bias and clamp, or float) and transposed into the NCHW output. 1×1, strided, dilated, grouped and depthwise
/// convolutions all take this path (depthwise wastes most of a 16-column panel: correct, not fast).
/// </summary>
public static unsafe class QConv
{
    [ThreadStatic]
    private static AlignedBuffer? _scratch;

    /// <summary>
    /// Runs the convolution. <paramref name="output"/>'s per-column pointers (Multiplier, Bias, ColScale) cover all K output
    /// channels; <paramref name="y"/> holds elements of the output kind's size.
    /// </summary>
    public static void Run(byte* x, bool xSigned, int xZero, QConvWeights w, void* y, in QGemmOutput output, WorkerPool? pool = null)
    {
        var g = w.Geometry;
        int oh = g.OutH, ow = g.OutW, pixels = oh * ow, rows = g.ColumnRows, kg = g.Kg;
        int elem = output.Kind is QOutputKind.UInt8 or QOutputKind.Int8 ? 1 : 4;
        long colBytes = ((long)pixels * rows + 63) & ~63L;
        long need = colBytes + (long)pixels * kg * elem + 64;
        var buf = _scratch;
        if (buf is null || buf.Capacity < need)
        {
            buf?.Dispose();
            _scratch = buf = BufferPool.Shared.Rent(need);
        }
        byte* col = (byte*)buf.Pointer;
        byte* tmp = col + colBytes;
        byte pad = xSigned ? (byte)(sbyte)xZero : (byte)xZero;
        var o = output;
        o.AZero = xZero;
        o.RowZero = null;
        for (int n = 0; n < g.N; n++)
        {
            for (int gi = 0; gi < g.Group; gi++)
            {
                Gather(x + ((long)n * g.C + (long)gi * g.Cg) * g.H * g.W, g, pad, col);
                var og = o;
                int off = gi * kg;
                og.Multiplier = o.Multiplier is null ? null : o.Multiplier + off;
                og.Bias = o.Bias is null ? null : o.Bias + off;
                og.ColScale = o.ColScale is null ? null : o.ColScale + off;
                Qgemm.Multiply(pixels, kg, rows, col, rows, xSigned, w.Groups[gi], tmp, kg, og, pool);
                byte* dst = (byte*)y + ((long)n * g.K + off) * pixels * elem;
                Transpose(tmp, pixels, kg, elem, dst);
            }
        }
    }

    /// <summary>col[p, (c·KH + kh)·KW + kw] = x[c, p_h·sh - pt + kh·dh, p_w·sw - pl + kw·dw], or the pad byte outside.</summary>
    private static void Gather(byte* x, ConvGeometry g, byte pad, byte* col)
    {
        int oh = g.OutH, ow = g.OutW, rows = g.ColumnRows, plane = g.H * g.W;
        for (int py = 0; py < oh; py++)
        {
            for (int px = 0; px < ow; px++)
            {
                byte* dst = col + ((long)py * ow + px) * rows;
                int r = 0;
                for (int c = 0; c < g.Cg; c++)
                {
                    byte* xc = x + (long)c * plane;
                    for (int kh = 0; kh < g.KernelH; kh++)
                    {
                        int ih = py * g.StrideH - g.PadTop + kh * g.DilationH;
                        bool rowIn = (uint)ih < (uint)g.H;
                        for (int kw = 0; kw < g.KernelW; kw++, r++)
                        {
                            int iw = px * g.StrideW - g.PadLeft + kw * g.DilationW;
                            dst[r] = rowIn && (uint)iw < (uint)g.W ? xc[ih * g.W + iw] : pad;
                        }
                    }
                }
            }
        }
    }

    /// <summary>[pixels, k] → [k, pixels] for 1- or 4-byte elements.</summary>
    private static void Transpose(byte* src, int pixels, int k, int elem, byte* dst)
    {
        if (elem == 1)
        {
            for (int p = 0; p < pixels; p++)
            {
                for (int j = 0; j < k; j++)
                {
                    dst[(long)j * pixels + p] = src[(long)p * k + j];
                }
            }
            return;
        }
        int* s = (int*)src, d = (int*)dst;
        for (int p = 0; p < pixels; p++)
        {
            for (int j = 0; j < k; j++)
            {
                d[(long)j * pixels + p] = s[(long)p * k + j];
            }
        }
    }
}
