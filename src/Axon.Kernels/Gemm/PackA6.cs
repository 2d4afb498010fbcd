using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Gemm;

/// <summary>
/// Packs a full six-row panel of A ([k][6]) eight k at a time by an in-register transpose: six row loads, the 8×8
/// unpack/shuffle/permute network (the two missing rows repeat row 5), and eight overlapping 8-float stores whose
/// last two lanes the next store overwrites. The scalar gather it replaces (six strided loads and six stores per k) cost
/// a few percent of a transformer projection, and twice that at two threads, where both threads pack all of A.
/// </summary>
internal static unsafe class PackA6
{
    /// <summary>Floats the packer may write past the end of its panel (the overlapping stores' tail).</summary>
    public const int Slack = 8;

    /// <summary>Writes k columns [k0, k0+kc) of rows src, src+lda, ..., src+5·lda as [kc][6] at dst; returns the k done (a multiple of 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Pack(float* src, long lda, int kc, float* dst)
    {
        if (!Avx.IsSupported)
        {
            return 0;
        }
        int kk = 0;
        for (; kk + 8 <= kc; kk += 8)
        {
            float* s = src + kk;
            var r0 = Avx.LoadVector256(s);
            var r1 = Avx.LoadVector256(s + lda);
            var r2 = Avx.LoadVector256(s + 2 * lda);
            var r3 = Avx.LoadVector256(s + 3 * lda);
            var r4 = Avx.LoadVector256(s + 4 * lda);
            var r5 = Avx.LoadVector256(s + 5 * lda);
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            // Rows 4 and 5 land in lanes 4 and 5 of each column; lanes 6 and 7 are don't-care (overwritten or slack).
            var u4 = Avx.Shuffle(t4, t4, 0x44);
            var u5 = Avx.Shuffle(t4, t4, 0xEE);
            var u6 = Avx.Shuffle(t5, t5, 0x44);
            var u7 = Avx.Shuffle(t5, t5, 0xEE);
            float* d = dst + kk * 6;
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + 6, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 12, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 18, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 24, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 30, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 36, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + 42, Avx.Permute2x128(u3, u7, 0x31));
        }
        return kk;
    }
}
