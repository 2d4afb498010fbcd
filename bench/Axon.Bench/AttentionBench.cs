using Axon.Kernels.Attention;
using Axon.Kernels.Threading;
using BenchmarkDotNet.Attributes;

namespace Axon.Bench;

/// <summary>Fused attention at MiniLM's shape (12 heads of 32, sequence 128), batch 1 and 8.</summary>
[ShortRunJob]
public unsafe class AttentionBench : IDisposable
{
    private float[] _q = [], _k = [], _v = [], _o = [];
    private WorkerPool? _pool;

    [Params(1, 8)]
    public int Batch { get; set; } = 1;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    private AttentionShape Shape => new(Batch, 12, 12, 128, 128, 32, 32);

    [GlobalSetup]
    public void Setup()
    {
        int n = Batch * 12 * 128 * 32;
        _q = Data.Random(n, 1);
        _k = Data.Random(n, 2);
        _v = Data.Random(n, 3);
        _o = new float[n];
        _pool = new WorkerPool(Threads);
    }

    [Benchmark]
    public void Attention()
    {
        fixed (float* q = _q, k = _k, v = _v, o = _o)
        {
            FusedAttention.Run(Shape, q, k, v, o, 1f / MathF.Sqrt(32), causal: false, pool: _pool);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _pool?.Dispose();
        GC.SuppressFinalize(this);
    }
}
