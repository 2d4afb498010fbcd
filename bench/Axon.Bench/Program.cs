using System.Diagnostics;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;
using BenchmarkDotNet.Running;

// BenchmarkDotNet micro-benchmarks, one class per kernel family:
//   dotnet run -c Release --project bench/Axon.Bench -- --filter '*Gemm*'
// Two quick modes that skip BenchmarkDotNet (seconds, for tuning on a noisy machine):
//   dotnet run -c Release --project bench/Axon.Bench -- --peak
//   dotnet run -c Release --project bench/Axon.Bench -- --sgemm 1024 [threads] [rounds]
//   dotnet run -c Release --project bench/Axon.Bench -- --sgemm-shapes 128x384x384,1024x1024x1024 [threads] [rounds] ["kc=256,pf=1;kc=192"]
//   dotnet run -c Release --project bench/Axon.Bench -- --sgemm-parts 1024 [rounds]   (one operand pinned in L1 at a time)
//   dotnet run -c Release --project bench/Axon.Bench -- --conv [threads] [batch]   (ResNet-50's convolutions, per layer)
//   dotnet run -c Release --project bench/Axon.Bench -- --attention [threads] [batch] [seq] [rounds]   (MiniLM's attention core)
//   dotnet run -c Release --project bench/Axon.Bench -- --conv 1 1 nchwc   (the same layers, NCHW vs blocked NCHW16c)
//   dotnet run -c Release --project bench/Axon.Bench -- --conv 1 1 ab pf=0 pf=1 [filter]   (NCHW16c under two tunings, side by side)
if (args.Length > 0 && args[0] == "--peak")
{
    Console.WriteLine($"FMA peak, one core: {FmaPeak.MeasureGflops():F1} GFLOP/s");
    return 0;
}
if (args.Length > 1 && args[0] == "--sgemm")
{
    QuickSgemm(int.Parse(args[1]), args.Length > 2 ? int.Parse(args[2]) : 1, args.Length > 3 ? int.Parse(args[3]) : 5);
    return 0;
}
if (args.Length > 1 && args[0] == "--sgemm-shapes")
{
    Axon.Bench.QuickGemmShapes.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 1, args.Length > 3 ? int.Parse(args[3]) : 5, args.Length > 4 ? args[4] : "");
    return 0;
}
if (args.Length > 1 && args[0] == "--sgemm-parts")
{
    Axon.Bench.QuickGemmParts.Run(int.Parse(args[1]), args.Length > 2 ? int.Parse(args[2]) : 5);
    return 0;
}
if (args.Length > 0 && args[0] == "--nchwc-tiles")
{
    Axon.Bench.QuickNchwcTiles.Run();
    return 0;
}
if (args.Length > 0 && args[0] == "--conv")
{
    Axon.Bench.QuickConv.Run(args.Length > 1 ? int.Parse(args[1]) : 1, args.Length > 2 ? int.Parse(args[2]) : 1,
        args.Length > 3 && args[3] == "nchwc", args.Length > 5 && args[3] == "ab" ? (args[4], args[5]) : null, args.Length > 6 ? args[6] : null);
    return 0;
}
if (args.Length > 0 && args[0] == "--attention")
{
    int At(int i, int d) => args.Length > i ? int.Parse(args[i]) : d;
    Axon.Bench.QuickAttention.Run(At(1, 1), At(2, 1), At(3, 128), At(4, 5));
    return 0;
}
if (args.Length > 0 && args[0] == "--attention-parts")
{
    Axon.Bench.QuickAttentionParts.Run(args.Length > 1 ? int.Parse(args[1]) : 128);
    return 0;
}
if (args.Length > 0 && args[0] == "--winograd")
{
    Axon.Bench.QuickWinograd.Run(args.Length > 1 ? int.Parse(args[1]) : 1, args.Length > 2 ? int.Parse(args[2]) : 1);
    return 0;
}
if (args.Length > 0 && args[0] == "--unary")
{
    if (args.Length > 1 && args[1] == "softplus")
    {
        Axon.Bench.QuickUnary.RunSoftplus(args.Length > 2 ? int.Parse(args[2]) : 1 << 20);
        return 0;
    }
    if (args.Length > 1 && args[1] == "exp-ulp")
    {
        Axon.Bench.QuickUnary.RunExpUlp();
        return 0;
    }
    if (args.Length > 1 && args[1] == "exp")
    {
        Axon.Bench.QuickUnary.RunExp(args.Length > 2 ? int.Parse(args[2]) : 1 << 20);
        return 0;
    }
    Axon.Bench.QuickUnary.Run();
    return 0;
}
if (args.Length > 0 && args[0] == "--micro")
{
    Micro();
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Axon.Bench.GemmBench).Assembly).Run(args);
return 0;

static unsafe void QuickSgemm(int n, int threads, int rounds)
{
    double peak = FmaPeak.MeasureGflops();
    using var pool = new WorkerPool(threads);
    var a = new float[(long)n * n];
    var b = new float[(long)n * n];
    var c = new float[(long)n * n];
    var rng = new Random(1);
    for (int i = 0; i < a.Length; i++)
    {
        a[i] = (float)rng.NextDouble();
        b[i] = (float)rng.NextDouble();
    }
    using var packed = PackedMatrix.PackB(b, n, n);
    fixed (float* pa = a, pb = b, pc = c)
    {
        for (int r = 0; r < rounds; r++)
        {
            var t = new List<double>();
            var tp = new List<double>();
            int iters = Math.Max(2, (int)(4e9 / (2.0 * n * n * n)));
            for (int i = 0; i < iters; i++)
            {
                double s = Now(threads);
                Sgemm.Multiply(n, n, n, 1f, pa, n, false, pb, n, false, 0f, pc, n, default, pool);
                t.Add((Now(threads) - s) / 1e3);
                s = Now(threads);
                Sgemm.Multiply(n, n, n, 1f, pa, n, false, packed, 0f, pc, n, default, pool);
                tp.Add((Now(threads) - s) / 1e3);
            }
            double g = 2.0 * n * n * n / 1e9;
            double med = t.Order().ElementAt(t.Count / 2), medp = tp.Order().ElementAt(tp.Count / 2);
            Console.WriteLine($"sgemm {n}^3 threads {threads}: {g / med,6:F1} GFLOP/s ({g / med / peak / threads:P0} of peak {peak:F1}/core), prepacked B {g / medp,6:F1}");
        }
    }
}

// One thread: the thread's CPU time (steady on a shared machine); more: wall time.
static double Now(int threads) => threads == 1 ? Axon.Bench.ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;

static unsafe void Micro()
{
    int kc = 256;
    float* a = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(6 * 256 * 4 * 24, 64);
    float* b = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(16 * 256 * 4, 64);
    float* c = (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(16 * 6 * 4 * 24, 64);
    for (int i = 0; i < 6 * 256 * 24; i++) a[i] = 0.001f;
    for (int i = 0; i < 16 * 256; i++) b[i] = 0.001f;
    for (int r = 0; r < 5; r++)
    {
        double s = Now(1);
        int n = 20000;
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < 24; t++)
            {
                MicroKernel.Tile(kc, a + t * 6 * kc, b, 16, c + t * 96, 16, 6, 16, true);
            }
        }
        double sec = (Now(1) - s) / 1e3;
        Console.WriteLine($"micro-kernel in cache: {2.0 * 6 * 16 * kc * n * 24 / sec / 1e9:F1} GFLOP/s");
    }
}
