using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Cpu;

/// <summary>
/// Measures this core's floating-point peak the way the GEMM bar is stated: twelve independent <c>Vector256</c> FMA chains
/// (enough to cover a 4-cycle latency on two FMA pipes), no memory traffic, best of several short runs. It is the
/// denominator of every "% of peak" figure in docs/performance.md.
/// </summary>
public static class FmaPeak
{
    /// <summary>Best single-thread FP32 GFLOP/s over <paramref name="runs"/> runs of about 20 ms each (0 without AVX2/FMA).</summary>
    public static double MeasureGflops(int runs = 7)
    {
        if (!CpuFeatures.Avx2Fma)
        {
            return 0;
        }
        const long iterations = 2_000_000;
        Chains(1000);
        double best = 0;
        for (int r = 0; r < runs; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            float sink = Chains(iterations);
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            // 12 chains × 8 lanes × 2 flops per FMA.
            double gflops = iterations * 12 * 8 * 2 / s / 1e9;
            best = Math.Max(best, sink == 12345f ? 0 : gflops);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(long n)
    {
        var m = Vector256.Create(0.999999f);
        var d = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, d);
            a1 = Fma.MultiplyAdd(a1, m, d);
            a2 = Fma.MultiplyAdd(a2, m, d);
            a3 = Fma.MultiplyAdd(a3, m, d);
            a4 = Fma.MultiplyAdd(a4, m, d);
            a5 = Fma.MultiplyAdd(a5, m, d);
            a6 = Fma.MultiplyAdd(a6, m, d);
            a7 = Fma.MultiplyAdd(a7, m, d);
            a8 = Fma.MultiplyAdd(a8, m, d);
            a9 = Fma.MultiplyAdd(a9, m, d);
            a10 = Fma.MultiplyAdd(a10, m, d);
            a11 = Fma.MultiplyAdd(a11, m, d);
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector256.Sum(s);
    }
}
