using Axon.Kernels.Reduce;
using BenchmarkDotNet.Attributes;

namespace Axon.Bench;

/// <summary>Reductions over a [64, 256, 196] tensor along the last (contiguous) and the middle (strided) axis.</summary>
[ShortRunJob]
public class ReduceBench
{
    private float[] _x = [], _y = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Random(64 * 256 * 196, 1);
        _y = new float[64 * 256];
    }

    [Benchmark]
    public void MeanLastAxis() => Reductions.Axis(_x, _y, 64 * 256, 196, 1, ReduceKind.Mean);

    [Benchmark]
    public void SumMiddleAxis() => Reductions.Axis(_x, _y.AsSpan(0, 64 * 196), 64, 256, 196, ReduceKind.Sum);

    [Benchmark]
    public void MaxAll() => Reductions.Max(_x);
}
