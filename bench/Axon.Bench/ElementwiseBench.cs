using Axon.Kernels.Elementwise;
using BenchmarkDotNet.Attributes;

namespace Axon.Bench;

/// <summary>Unary activations and broadcasting binary ops over a 128×1536 activation (MiniLM's FFN width).</summary>
[ShortRunJob]
public class ElementwiseBench
{
    private const int Rows = 128, Cols = 1536;
    private float[] _x = [], _y = [], _row = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = Data.Random(Rows * Cols, 1);
        _y = new float[Rows * Cols];
        _row = Data.Random(Cols, 2);
    }

    [Benchmark]
    public void Gelu() => Unary.Apply(default(GeluOp), _x, _y);

    [Benchmark]
    public void Sigmoid() => Unary.Apply(default(SigmoidOp), _x, _y);

    [Benchmark]
    public void AddSameShape() => Binary.Apply(default(AddOp), _x, [Rows, Cols], _x, [Rows, Cols], _y, [Rows, Cols]);

    [Benchmark]
    public void AddBroadcastRow() => Binary.Apply(default(AddOp), _x, [Rows, Cols], _row, [Cols], _y, [Rows, Cols]);
}
