using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Gemm;

internal static unsafe partial class MicroKernel
{
    /// <summary>
    /// AVX-512 over the same [k][6] × [k][16] panels: one 16-wide register per C row, even and odd k steps in separate
    /// accumulators (twelve chains) summed at the end. Written with the portable <see cref="Vector512"/> API, so on a
    /// machine without AVX-512 it still runs (in software) and the tests compare it with the scalar kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel6x16V512(int kc, float* a, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        Vector512<float> e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default;
        Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default;
        nint sb = ldb;
        int kk = 0;
        for (; kk + 2 <= kc; kk += 2)
        {
            var be = Vector512.Load(b);
            var bo = Vector512.Load(b + sb);
            e0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), be, e0);
            e1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), be, e1);
            e2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), be, e2);
            e3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), be, e3);
            e4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), be, e4);
            e5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), be, e5);
            o0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), bo, o0);
            o1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), bo, o1);
            o2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[8]), bo, o2);
            o3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[9]), bo, o3);
            o4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[10]), bo, o4);
            o5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[11]), bo, o5);
            a += 2 * MR;
            b += 2 * sb;
        }
        if (kk < kc)
        {
            var be = Vector512.Load(b);
            e0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), be, e0);
            e1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), be, e1);
            e2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), be, e2);
            e3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), be, e3);
            e4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), be, e4);
            e5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), be, e5);
        }
        nint sc = ldc;
        Store512(c, accumulate, e0 + o0);
        Store512(c + sc, accumulate, e1 + o1);
        Store512(c + 2 * sc, accumulate, e2 + o2);
        Store512(c + 3 * sc, accumulate, e3 + o3);
        Store512(c + 4 * sc, accumulate, e4 + o4);
        Store512(c + 5 * sc, accumulate, e5 + o5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, bool accumulate, Vector512<float> v)
    {
        if (accumulate)
        {
            v += Vector512.Load(c);
        }
        v.Store(c);
    }
}
