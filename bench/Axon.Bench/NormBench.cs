using Axon.Kernels.Norm;
using BenchmarkDotNet.Attributes;

namespace Axon.Bench;

/// <summary>LayerNormalization and Softmax over transformer rows (128 tokens × 384, and 128 × 128 scores).</summary>
[ShortRunJob]
public class NormBench
{
    private float[] _x = [], _y = [], _gamma = [], _beta = [], _s = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Random(128 * 384, 1);
        _y = new float[128 * 384];
        _gamma = Data.Random(384, 2);
        _beta = Data.Random(384, 3);
        _s = Data.Random(128 * 128, 4);
    }

    [Benchmark]
    public void LayerNormRows() => LayerNorm.Rows(_x, _y, 128, 384, _gamma, _beta, 1e-12f);

    [Benchmark]
    public void SoftmaxRows() => Softmax.Rows(_s, _y.AsSpan(0, 128 * 128), 128, 128);
}
