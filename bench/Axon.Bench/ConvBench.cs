using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;
using BenchmarkDotNet.Attributes;

namespace Axon.Bench;

/// <summary>ResNet-50 convolution shapes at batch 1: 7×7/2 stem, 3×3 stride 1 and 2, 1×1, and a depthwise 3×3.</summary>
[ShortRunJob]
public class ConvBench : IDisposable
{
    private float[] _x = [], _y = [], _bias = [];
    private ConvWeights? _w;
    private WorkerPool? _pool;

    [Params("stem7x7s2", "3x3s1-64x56", "3x3s2-128x56", "1x1-256to64x56", "dw3x3-128x56")]
    public string Layer { get; set; } = "3x3s1-64x56";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    private ConvGeometry Geometry => Layer switch
    {
        "stem7x7s2" => new ConvGeometry(1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3),
        "3x3s1-64x56" => new ConvGeometry(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1),
        "3x3s2-128x56" => new ConvGeometry(1, 128, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1),
        "1x1-256to64x56" => new ConvGeometry(1, 256, 56, 56, 64, 1, 1),
        _ => new ConvGeometry(1, 128, 56, 56, 128, 3, 3, 1, 1, 1, 1, 1, 1, Group: 128),
    };

    [GlobalSetup]
    public void Setup()
    {
        var g = Geometry;
        _x = Data.Random((int)g.InputElements, 1);
        _y = new float[g.OutputElements];
        _bias = Data.Random(g.K, 3);
        _w = ConvWeights.Pack(Data.Random(g.K * g.Cg * g.KernelH * g.KernelW, 2), g);
        _pool = new WorkerPool(Threads);
    }

    [Benchmark]
    public void Conv() => Conv2d.Run(_x, _w!, _y, _bias, activation: Activation.Relu, pool: _pool);

    [GlobalCleanup]
    public void Dispose()
    {
        _w?.Dispose();
        _pool?.Dispose();
        GC.SuppressFinalize(this);
    }
}
