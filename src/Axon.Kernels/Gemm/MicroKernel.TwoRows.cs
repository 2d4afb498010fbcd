using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Gemm;

/// <summary>
/// The last row tile of a panel when it holds one or two real rows (M = 128 = 21·6 + 2, a transformer projection at
/// batch 1): the 6-row kernel would spend two thirds of its FMAs on zero padding. This one keeps four accumulators, in
/// the same k order as the 6×16 kernel, so every element's result is bit-identical whichever kernel computed it
/// (results must not depend on how M was split into tiles, which depends on the thread count).
/// </summary>
internal static unsafe partial class MicroKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel2x16(int kc, float* a, float* b, int ldb, float* c, int ldc, int mr, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        nint sb = ldb;
        for (int kk = 0; kk < kc; kk++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var a0 = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            a += MR;
            b += sb;
        }
        Store(c, accumulate, c00, c01);
        if (mr > 1)
        {
            Store(c + ldc, accumulate, c10, c11);
        }
    }
}
