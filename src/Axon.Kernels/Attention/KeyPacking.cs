using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Gemm;

namespace Axon.Kernels.Attention;

/// <summary>
/// Packs Kᵀ (HeadDim × SeqK) for the score GEMM in the SGEMM's packed-B layout. The general packer gathers a transposed
/// operand one strided element at a time; here each 8 keys × 8 dims block is loaded as eight contiguous rows and
/// transposed in registers, which took key packing from about a fifth of the score GEMM's time to a few percent.
/// </summary>
internal static unsafe class KeyPacking
{
    /// <summary>Writes Kᵀ packed (rows of <paramref name="k"/> are keys, <paramref name="ldk"/> apart) into <paramref name="dst"/>.</summary>
    public static void PackTransposed(float* k, int ldk, int dim, int keys, float* dst)
    {
        // One K block ([panel][dim][16]) is the layout whenever the SGEMM does not split K; otherwise use its packer.
        if (Sgemm.BlockK(dim) < dim)
        {
            PackedMatrix.PackInto(k, ldk, true, dim, keys, dst);
            return;
        }
        const int nr = Sgemm.NR;
        int panels = (keys + nr - 1) / nr;
        for (int p = 0; p < panels; p++)
        {
            float* panel = dst + (long)p * dim * nr;
            int j0 = p * nr;
            int jn = Math.Min(nr, keys - j0);
            int j = 0;
            if (Avx.IsSupported && dim % 8 == 0)
            {
                for (; j + 8 <= jn; j += 8)
                {
                    float* src = k + (long)(j0 + j) * ldk;
                    for (int d0 = 0; d0 < dim; d0 += 8)
                    {
                        Transpose8x8(src + d0, ldk, panel + (long)d0 * nr + j, nr);
                    }
                }
            }
            for (; j < jn; j++)
            {
                float* src = k + (long)(j0 + j) * ldk;
                for (int d = 0; d < dim; d++)
                {
                    panel[(long)d * nr + j] = src[d];
                }
            }
            if (jn < nr)
            {
                for (int d = 0; d < dim; d++)
                {
                    new Span<float>(panel + (long)d * nr + jn, nr - jn).Clear();
                }
            }
        }
    }

    /// <summary>dst[c·ldd + r] = src[r·lds + c] for an 8×8 block.</summary>
    private static void Transpose8x8(float* src, int lds, float* dst, int ldd)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + lds);
        var r2 = Avx.LoadVector256(src + 2 * lds);
        var r3 = Avx.LoadVector256(src + 3 * lds);
        var r4 = Avx.LoadVector256(src + 4 * lds);
        var r5 = Avx.LoadVector256(src + 5 * lds);
        var r6 = Avx.LoadVector256(src + 6 * lds);
        var r7 = Avx.LoadVector256(src + 7 * lds);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }
}
