using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;
using BenchmarkDotNet.Attributes;

namespace Axon.Bench;

/// <summary>SGEMM against pre-packed weights (how the compiler calls it), square and transformer-projection shapes.</summary>
[ShortRunJob]
public unsafe class GemmBench : IDisposable
{
    private float[] _a = [], _c = [];
    private PackedMatrix? _b;
    private WorkerPool? _pool;

    [Params("256x256x256", "1024x1024x1024", "128x1536x384")]
    public string Shape { get; set; } = "256x256x256";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    private int M => int.Parse(Shape.Split('x')[0]);
    private int N => int.Parse(Shape.Split('x')[1]);
    private int K => int.Parse(Shape.Split('x')[2]);

    [GlobalSetup]
    public void Setup()
    {
        _a = Data.Random(M * K, 1);
        _b = PackedMatrix.PackB(Data.Random(K * N, 2), K, N);
        _c = new float[M * N];
        _pool = new WorkerPool(Threads);
    }

    [Benchmark]
    public void Sgemm()
    {
        fixed (float* a = _a, c = _c)
        {
            Kernels.Gemm.Sgemm.Multiply(M, N, K, 1f, a, K, false, _b!, 0f, c, N, default, _pool);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _b?.Dispose();
        _pool?.Dispose();
        GC.SuppressFinalize(this);
    }
}

internal static class Data
{
    public static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)(r.NextDouble() * 2 - 1);
        }
        return a;
    }
}
