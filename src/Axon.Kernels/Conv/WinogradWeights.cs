using Axon.Kernels.Gemm;

namespace Axon.Kernels.Conv;

/// <summary>
/// 3×3 convolution weights transformed once (at compile time) for <see cref="WinogradConv"/>, F(4×4, 3×3): each
/// filter g becomes u = G·g·Gᵀ (6×6), and for each of the 36 transform points ξ the matrix U_ξ [C, K] (u[ξ] of every
/// input/output channel pair, zero past C and K up to whole 16-lane blocks) is packed as a GEMM B operand. The 36
/// products V_ξ·U_ξ replace the 9 multiply-adds per output pixel and channel pair with 36/16 = 2.25. The weights take
/// 36/9 = 4 times the memory of the plain filter. The bias is padded to whole blocks (zeros when the node has none).
/// </summary>
public sealed unsafe class WinogradWeights : IDisposable
{
    /// <summary>Transform points per tile (6×6 input window, 4×4 outputs).</summary>
    public const int Points = 36;

    private readonly AlignedBuffer _packed;
    private readonly float[] _bias;

    private WinogradWeights(ConvGeometry g, AlignedBuffer packed, float[] bias)
    {
        Geometry = g;
        _packed = packed;
        _bias = bias;
        Bias = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _bias[0]);
    }

    public ConvGeometry Geometry { get; }

    /// <summary>Input channels padded to whole blocks (the GEMM depth).</summary>
    public int PaddedC => Nchwc.Blocks(Geometry.C) * Nchwc.Block;

    /// <summary>Output channels padded to whole blocks (the GEMM width).</summary>
    public int PaddedK => Nchwc.Blocks(Geometry.K) * Nchwc.Block;

    /// <summary>Bytes of the transformed, packed weights.</summary>
    public long Bytes => Points * PointFloats * sizeof(float);

    internal long PointFloats => PackedMatrix.PackedFloats(PaddedC, PaddedK);

    /// <summary>The packed GEMM operand U_ξ.</summary>
    internal float* Point(int xi) => (float*)_packed.Pointer + xi * PointFloats;

    internal float* Bias { get; }

    /// <summary>Transforms and packs OIHW weights [K, C, 3, 3] (group 1) and an optional bias [K].</summary>
    public static WinogradWeights Pack(ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ConvGeometry g)
    {
        if (!WinogradConv.Applies(g))
        {
            throw new ArgumentException($"the Winograd F(4x4,3x3) convolution needs a 3x3, stride 1, undilated, group 1 geometry, got {g}");
        }
        if (w.Length < g.WeightElements || (!bias.IsEmpty && bias.Length < g.K))
        {
            throw new ArgumentException($"weights need {g.WeightElements} elements and bias {g.K}");
        }
        int cp = Nchwc.Blocks(g.C) * Nchwc.Block, kp = Nchwc.Blocks(g.K) * Nchwc.Block;
        // U as [ξ][C][K] row-major, then each ξ packed; transformed in double so the packing adds no rounding of its own.
        var u = new float[Points * (long)cp * kp];
        Span<double> t = stackalloc double[18];
        Span<double> v = stackalloc double[Points];
        for (int k = 0; k < g.K; k++)
        {
            for (int c = 0; c < g.C; c++)
            {
                var f = w.Slice((k * g.C + c) * 9, 9);
                // t = G·f (6×3), then v = t·Gᵀ (6×6).
                for (int col = 0; col < 3; col++)
                {
                    Transform(f[col], f[3 + col], f[6 + col], t, col, 3);
                }
                for (int row = 0; row < 6; row++)
                {
                    Transform(t[row * 3], t[row * 3 + 1], t[row * 3 + 2], v, row * 6, 1);
                }
                for (int xi = 0; xi < Points; xi++)
                {
                    u[((long)xi * cp + c) * kp + k] = (float)v[xi];
                }
            }
        }
        var packed = BufferPool.Shared.Rent(Math.Max(1L, Points * PackedMatrix.PackedFloats(cp, kp) * sizeof(float)));
        fixed (float* pu = u)
        {
            for (int xi = 0; xi < Points; xi++)
            {
                PackedMatrix.PackInto(pu + (long)xi * cp * kp, kp, false, cp, kp, (float*)packed.Pointer + xi * PackedMatrix.PackedFloats(cp, kp));
            }
        }
        var b = GC.AllocateArray<float>(kp, pinned: true);
        if (!bias.IsEmpty)
        {
            bias[..g.K].CopyTo(b);
        }
        return new WinogradWeights(g, packed, b);
    }

    /// <summary>The filter transform G (6×3) applied to (g0, g1, g2): six values written <paramref name="step"/> apart.</summary>
    private static void Transform(double g0, double g1, double g2, Span<double> dst, int at, int step)
    {
        dst[at] = g0 / 4;
        dst[at + step] = -(g0 + g1 + g2) / 6;
        dst[at + 2 * step] = -(g0 - g1 + g2) / 6;
        dst[at + 3 * step] = g0 / 24 + g1 / 12 + g2 / 6;
        dst[at + 4 * step] = g0 / 24 - g1 / 12 + g2 / 6;
        dst[at + 5 * step] = g2;
    }

    public void Dispose() => _packed.Dispose();
}
