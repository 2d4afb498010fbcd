using System.Diagnostics;
using Axon.Kernels.Gemm;
using Axon.Kernels.Quant;
using Axon.Kernels.Threading;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--int8-gemm [--size N] [--threads T] [--rounds R]</c>: Axon's INT8 GEMM (u8·s8 → int32, dequantized to FP32) against
/// Axon's FP32 SGEMM on the same N×N×N problem, both with B packed ahead of time, alternating rounds; rates are
/// 2·N³ operations per second ("GFLOP/s-equivalent"). Also times the exact split path (full-range 8-bit weights).
/// </summary>
internal static unsafe class Int8GemmBench
{
    public static void Run(string[] args)
    {
        int n = Arg(args, "--size", 1024), threads = Arg(args, "--threads", 1), rounds = Arg(args, "--rounds", 5);
        // --m/--n/--k give a non-square problem (the MiniLM shapes: M = 8·128 tokens, K and N 384 or 1536).
        int m = Arg(args, "--m", n), k = Arg(args, "--k", n);
        n = Arg(args, "--n", n);
        var rng = new Random(42);
        var af = new float[m * k];
        var bf = new float[k * n];
        var cf = new float[m * n];
        var a8 = new byte[m * k];
        var b7 = new sbyte[k * n];
        var b8 = new sbyte[k * n];
        for (int i = 0; i < af.Length; i++)
        {
            af[i] = (float)rng.NextDouble() - 0.5f;
            a8[i] = (byte)rng.Next(256);
        }
        for (int i = 0; i < bf.Length; i++)
        {
            bf[i] = (float)rng.NextDouble() - 0.5f;
            b7[i] = (sbyte)rng.Next(-63, 64);
            b8[i] = (sbyte)rng.Next(-128, 128);
        }
        var rowScale = Enumerable.Repeat(0.01f, m).ToArray();
        var rowZero = Enumerable.Repeat(128, m).ToArray();
        var colScale = Enumerable.Repeat(0.02f, n).ToArray();
        using var pool = new WorkerPool(threads);
        using var pf = PackedMatrix.PackB(bf, k, n);
        using var q7 = QuantizedMatrix.Pack(b7, k, n);
        using var q8 = QuantizedMatrix.Pack(b8, k, n);
        double ops = 2.0 * m * n * k;
        // --core: only the GEMM lines (fp32, int8, int32 out), for quick side-by-side runs.
        bool core = args.Contains("--core");
        var fp32 = new List<double>();
        var int8 = new List<double>();
        var split = new List<double>();
        var quant = new List<double>();
        var gelu = new List<double>();
        var rowsSerial = new List<double>();
        var rowsPortable = new List<double>();
        var rowsPool = new List<double>();
        var raw = new List<double>();
        fixed (float* pa = af, pc = cf, rs = rowScale, cs = colScale)
        fixed (byte* qa = a8)
        fixed (int* rz = rowZero)
        {
            var output = QGemmOutput.Dequantize(rs, rz, cs);
            float* a = pa, c = pc, rsp = rs, csp = cs;
            byte* qap = qa;
            int* rzp = rz;
            void F() => Sgemm.Multiply(m, n, k, 1f, a, k, false, pf, 0f, c, n, default, pool);
            var qbuf = new byte[m * k];
            var qs = new float[m];
            var qz = new int[m];
            void DQ()
            {
                fixed (byte* pq = qbuf)
                fixed (float* ps = qs)
                fixed (int* pz = qz)
                {
                    DynamicQuant.QuantizeTensor(a, m, k, k, pq, k, ps, pz);
                }
            }
            void DR(WorkerPool? p)
            {
                fixed (byte* pq = qbuf)
                fixed (float* ps = qs)
                fixed (int* pz = qz)
                {
                    if (p is null)
                    {
                        DynamicQuant.QuantizeRows(a, m, k, k, pq, k, ps, pz);
                    }
                    else
                    {
                        DynamicQuant.QuantizeRows(a, m, k, k, pq, k, ps, pz, p);
                    }
                }
            }
            // The per-row quantizer as it was before the AVX2 row body and the pool (portable row, one thread).
            void DRPortable()
            {
                fixed (byte* pq = qbuf)
                {
                    for (int i = 0; i < m; i++)
                    {
                        var (lo, hi) = DynamicQuant.MinMax(a + (long)i * k, k);
                        var (sc, z) = DynamicQuant.RowParams(lo, hi);
                        DynamicQuant.QuantizeRowPortable(a + (long)i * k, k, 1f / sc, z, pq + (long)i * k);
                    }
                }
            }
            void Gelu() => Axon.Kernels.Elementwise.Unary.Apply(default(Axon.Kernels.Elementwise.GeluOp), new ReadOnlySpan<float>(c, m * n), new Span<float>(c, m * n));
            // Exact int32 out, no zero-point correction or dequantization: the GEMM's dot products alone, so the
            // difference to the line above is the epilogue's share.
            void Raw() => Qgemm.Multiply(m, n, k, qap, k, false, q7, c, n, new QGemmOutput { Kind = QOutputKind.Int32 }, pool);
            void Q(QuantizedMatrix b) => Qgemm.Multiply(m, n, k, qap, k, false, b, c, n, QGemmOutput.Dequantize(rsp, rzp, csp), pool);
            F();
            Q(q7);
            Q(q8);
            for (int r = 0; r < rounds; r++)
            {
                fp32.Add(Median(F));
                int8.Add(Median(() => Q(q7)));
                raw.Add(Median(Raw));
                if (core)
                {
                    continue;
                }
                split.Add(Median(() => Q(q8)));
                quant.Add(Median(DQ));
                gelu.Add(Median(Gelu));
                rowsPortable.Add(Median(DRPortable));
                rowsSerial.Add(Median(() => DR(null)));
                rowsPool.Add(Median(() => DR(pool)));
            }
        }
        double f = ops / fp32.Min() / 1e9, q = ops / int8.Min() / 1e9;
        double kernel = KernelCeiling();
        Console.WriteLine($"GEMM M={m} N={n} K={k}, {threads} thread(s), best of {rounds} alternating rounds (each the median of {Iterations} runs); int8 tier {Qgemm.Tier}, fp32 tier {Sgemm.Tier}");
        Console.WriteLine($"  int8 micro-kernel alone (A, B in L1) {kernel,4:F1} GOP/s");
        Console.WriteLine($"  fp32 sgemm (packed B)            {f,8:F1} GFLOP/s");
        Console.WriteLine($"  int8 qgemm (7-bit-safe B)        {q,8:F1} GOP/s   {q / f:F2}x fp32   {q / kernel:P0} of the kernel alone");
        // Rounds alternate, so a slow phase of the machine (other tenants) hits both in the same round: the median of
        // the per-round ratios is the steadier figure under load.
        var ratios = fp32.Zip(int8, (x, y) => x / y).Order().ToArray();
        Console.WriteLine($"  int8 / fp32, median of the per-round ratios {ratios[ratios.Length / 2]:F2}x");
        Console.WriteLine($"  int8 qgemm, int32 out (no epilogue) {ops / raw.Min() / 1e9,5:F1} GOP/s   epilogue = {1 - raw.Min() / int8.Min():P1} of the int8 GEMM");
        if (core)
        {
            return;
        }
        double s = ops / split.Min() / 1e9;
        Console.WriteLine($"  fp32 sgemm (packed B)            {f,8:F1} GFLOP/s");
        Console.WriteLine($"  int8 qgemm (full 8-bit B, split) {s,8:F1} GOP/s   {s / f:F2}x fp32");
        Console.WriteLine($"  A quantized per tensor (M×K)     {quant.Min() * 1e3,8:F3} ms = {quant.Min() / int8.Min():P1} of the int8 GEMM");
        double dq = ops / (int8.Min() + rowsPool.Min()) / 1e9;
        double dp = ops / (int8.Min() + rowsPortable.Min()) / 1e9;
        Console.WriteLine($"  A quantized per row, portable    {rowsPortable.Min() * 1e3,8:F3} ms = {rowsPortable.Min() / int8.Min():P1} of the int8 GEMM");
        Console.WriteLine($"  A quantized per row, serial      {rowsSerial.Min() * 1e3,8:F3} ms = {rowsSerial.Min() / int8.Min():P1} of the int8 GEMM");
        Console.WriteLine($"  A quantized per row, pool        {rowsPool.Min() * 1e3,8:F3} ms = {rowsPool.Min() / int8.Min():P1} of the int8 GEMM");
        Console.WriteLine($"  per-row quantize (portable) + qgemm {dp,5:F1} GOP/s   {dp / f:F2}x fp32");
        Console.WriteLine($"  per-row quantize (pool) + qgemm  {dq,8:F1} GOP/s   {dq / f:F2}x fp32");
        Console.WriteLine($"  GELU over the output (M×N)       {gelu.Min() * 1e3,8:F3} ms = {gelu.Min() / int8.Min():P1} of the int8 GEMM");
    }

    /// <summary>Runs per round: a 1024³ INT8 GEMM takes about 14 ms, so one slow run must not decide a round.</summary>
    private const int Iterations = 7;

    /// <summary>The median of <see cref="Iterations"/> runs (seconds); callers keep the best round's median.</summary>
    private static double Median(Action run)
    {
        var t = new double[Iterations];
        for (int i = 0; i < Iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(t);
        return t[Iterations / 2];
    }

    /// <summary>
    /// The micro-kernel alone on L1-resident panels (4 rows of A and one 16-column B panel, K = 1024 as in the 1024³ GEMM: 20 KiB): the rate the
    /// whole GEMM could reach if memory cost nothing. Best of several medians.
    /// </summary>
    private static double KernelCeiling()
    {
        const int k = 1024, reps = 1000;
        var a = new byte[QMicroKernel.MR * k];
        var b = new sbyte[QuantizedMatrix.NR * k];
        new Random(7).NextBytes(a);
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (sbyte)(i % 127 - 63);
        }
        int* c = stackalloc int[QMicroKernel.MR * QuantizedMatrix.NR];
        double best = double.MaxValue;
        fixed (byte* pa = a)
        fixed (sbyte* pb = b)
        {
            byte* ap = pa;
            sbyte* bp = pb;
            int* cp = c;
            for (int r = 0; r < 5; r++)
            {
                best = Math.Min(best, Median(() =>
                {
                    for (int i = 0; i < reps; i++)
                    {
                        QMicroKernel.Tile(k / 4, ap, bp, false, cp);
                    }
                }));
            }
        }
        return 2.0 * QMicroKernel.MR * QuantizedMatrix.NR * k * reps / best / 1e9;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : fallback;
    }
}
