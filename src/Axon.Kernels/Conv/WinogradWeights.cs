using Axon.Kernels.Gemm;

namespace Axon.Kernels.Conv;

/// <summary>
/// 3×3 convolution weights transformed once (at compile time) for <see cref="WinogradConv"/>, F(m×m, 3×3) with
/// m = 4 or 2: each filter g becomes u = G·g·Gᵀ ((m+2)×(m+2)), and for each transform point ξ the matrix U_ξ [C, K]
/// (u[ξ] of every input/output channel pair, zero past C and K up to whole 16-lane blocks) is packed as a GEMM B
/// operand. With m = 4 the 36 products V_ξ·U_ξ replace the 9 multiply-adds per output pixel and channel pair with
/// 36/16 = 2.25, and the weights take 36/9 = 4 times the memory of the plain filter; with m = 2, 16/4 = 4 multiply-adds
/// and 16/9 the memory. The bias is padded to whole blocks (zeros when the node has none).
/// </summary>
public sealed unsafe class WinogradWeights : IDisposable
{
    private readonly AlignedBuffer _packed;
    private readonly float[] _bias;

    private WinogradWeights(ConvGeometry g, int tile, AlignedBuffer packed, float[] bias)
    {
        Geometry = g;
        TileSize = tile;
        _packed = packed;
        _bias = bias;
        Bias = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _bias[0]);
    }

    public ConvGeometry Geometry { get; }

    /// <summary>Outputs per tile side: 4 for F(4×4, 3×3), 2 for F(2×2, 3×3).</summary>
    public int TileSize { get; }

    /// <summary>Transform points per tile, (m+2)².</summary>
    public int Points => (TileSize + 2) * (TileSize + 2);

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

    /// <summary>Transforms and packs OIHW weights [K, C, 3, 3] (group 1) and an optional bias [K] for F(<paramref name="tile"/>², 3×3).</summary>
    public static WinogradWeights Pack(ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ConvGeometry g, int tile = 4) => tile switch
    {
        4 => Pack<WinogradF4>(w, bias, g),
        2 => Pack<WinogradF2>(w, bias, g),
        _ => throw new ArgumentException($"Winograd tiles are 2 or 4 outputs wide, not {tile}"),
    };

    private static WinogradWeights Pack<TV>(ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ConvGeometry g) where TV : struct, IWinogradTile
    {
        if (!WinogradConv.Applies(g))
        {
            throw new ArgumentException($"the Winograd F({TV.M}x{TV.M},3x3) convolution needs a 3x3, stride 1, undilated, group 1 geometry, got {g}");
        }
        if (w.Length < g.WeightElements || (!bias.IsEmpty && bias.Length < g.K))
        {
            throw new ArgumentException($"weights need {g.WeightElements} elements and bias {g.K}");
        }
        int cp = Nchwc.Blocks(g.C) * Nchwc.Block, kp = Nchwc.Blocks(g.K) * Nchwc.Block;
        // U as [ξ][C][K] row-major, then each ξ packed; transformed in double so the packing adds no rounding of its own.
        int a = TV.A, points = a * a;
        var u = new float[points * (long)cp * kp];
        Span<double> t = stackalloc double[3 * a];
        Span<double> v = stackalloc double[points];
        for (int k = 0; k < g.K; k++)
        {
            for (int c = 0; c < g.C; c++)
            {
                var f = w.Slice((k * g.C + c) * 9, 9);
                // t = G·f (A×3), then v = t·Gᵀ (A×A).
                for (int col = 0; col < 3; col++)
                {
                    TV.Filter(f[col], f[3 + col], f[6 + col], t, col, 3);
                }
                for (int row = 0; row < a; row++)
                {
                    TV.Filter(t[row * 3], t[row * 3 + 1], t[row * 3 + 2], v, row * a, 1);
                }
                for (int xi = 0; xi < points; xi++)
                {
                    u[((long)xi * cp + c) * kp + k] = (float)v[xi];
                }
            }
        }
        var packed = BufferPool.Shared.Rent(Math.Max(1L, points * PackedMatrix.PackedFloats(cp, kp) * sizeof(float)));
        fixed (float* pu = u)
        {
            for (int xi = 0; xi < points; xi++)
            {
                PackedMatrix.PackInto(pu + (long)xi * cp * kp, kp, false, cp, kp, (float*)packed.Pointer + xi * PackedMatrix.PackedFloats(cp, kp));
            }
        }
        var b = GC.AllocateArray<float>(kp, pinned: true);
        if (!bias.IsEmpty)
        {
            bias[..g.K].CopyTo(b);
        }
        return new WinogradWeights(g, TV.M, packed, b);
    }

    public void Dispose() => _packed.Dispose();
}
