using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class SignalOpsTests
{
    [Fact]
    public void DftOfRealSignal()
    {
        // DFT of [1, 2, 3, 4] is [10, -2+2i, -2, -2-2i].
        var outs = RunNode(N("DFT", ["x"], ["y"]), [("x", F([1, 2, 3, 4], 1, 4, 1))], opset: 20);
        Assert.Equal([1, 4, 2], ((Tensor)outs[0]!).Shape);
        Close([10, 0, -2, 2, -2, 0, -2, -2], outs[0]);
    }

    [Fact]
    public void OnesidedForwardAndInverseRoundTrip()
    {
        var rfft = RunNode(N("DFT", ["x"], ["y"], Attr.Of("onesided", 1L)), [("x", F([1, 2, 3, 4], 1, 4, 1))], opset: 20);
        Close([10, 0, -2, 2, -2, 0], rfft[0]);
        var irfft = RunNode(N("DFT", ["y"], ["x"], Attr.Of("onesided", 1L), Attr.Of("inverse", 1L)), [("y", rfft[0])], opset: 20);
        Assert.Equal([1, 4, 1], ((Tensor)irfft[0]!).Shape);
        Close([1, 2, 3, 4], irfft[0]);
    }

    [Fact]
    public void Opset17TakesAxisAsAttribute()
    {
        var outs = RunNode(N("DFT", ["x"], ["y"], Attr.Of("axis", 0L)), [("x", F([1, 1], 2, 1))], opset: 17);
        Close([2, 0, 0, 0], outs[0]);
    }

    [Fact]
    public void StftFramesAndWindows()
    {
        // Frames [1,2] and [3,4] (step 2), window [1, 0]: each frame's DFT keeps only its first sample.
        var outs = RunNode(N("STFT", ["s", "step", "w"], ["y"]), [("s", F([1, 2, 3, 4], 1, 4, 1)), ("step", Tensor.Scalar(2L)), ("w", F([1, 0]))]);
        var y = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([1, 2, 2, 2], y.Shape);
        Close([1, 0, 1, 0, 3, 0, 3, 0], y);
    }

    [Fact]
    public void WindowsPeriodicAndSymmetric()
    {
        var hann = RunNode(N("HannWindow", ["n"], ["w"]), [("n", Tensor.Scalar(4L))]);
        Close([0, 0.5, 1, 0.5], hann[0]);
        var sym = RunNode(N("HannWindow", ["n"], ["w"], Attr.Of("periodic", 0L)), [("n", Tensor.Scalar(3L))]);
        Close([0, 1, 0], sym[0]);
        var hamming = RunNode(N("HammingWindow", ["n"], ["w"]), [("n", Tensor.Scalar(2L))]);
        Close([4.0 / 46, 1], hamming[0]);
        var blackman = RunNode(N("BlackmanWindow", ["n"], ["w"], Attr.Of("output_datatype", (long)DType.Float64)), [("n", Tensor.Scalar(2L))]);
        Assert.Equal(DType.Float64, ((Tensor)blackman[0]!).DType);
        Close([0, 1], blackman[0], 1e-12);
    }

    [Fact]
    public void NonMaxSuppressionSuppressesOverlaps()
    {
        // Boxes 0 and 1 overlap with IoU 0.81; box 2 is apart. Box 1 scores highest.
        var boxes = F([0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 5, 5, 6, 6], 1, 3, 4);
        var scores = F([0.8f, 0.9f, 0.3f], 1, 1, 3);
        var outs = RunNode(N("NonMaxSuppression", ["b", "s", "m", "iou"], ["sel"]),
            [("b", boxes), ("s", scores), ("m", Tensor.Scalar(10L)), ("iou", Tensor.Scalar(0.5f))]);
        var sel = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([2, 3], sel.Shape);
        Assert.Equal([0L, 0, 1, 0, 0, 2], sel.ToInt64s());
    }

    [Fact]
    public void MelWeightMatrixShape()
    {
        var outs = RunNode(N("MelWeightMatrix", ["n", "d", "r", "lo", "hi"], ["w"]),
            [("n", Tensor.Scalar(8)), ("d", Tensor.Scalar(16)), ("r", Tensor.Scalar(8192)), ("lo", Tensor.Scalar(0f)), ("hi", Tensor.Scalar(4096f))]);
        var w = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([9, 8], w.Shape);
        // First row per the spec's example: 1, 1, then zeros.
        Close([1, 1, 0, 0, 0, 0, 0, 0], w.Reshape(72).SliceOuter(0, 8));
    }

    [Fact]
    public void BernoulliKeepsShapeAndDtype()
    {
        var outs = RunNode(N("Bernoulli", ["p"], ["y"], Attr.Of("seed", 1f)), [("p", F([0, 1, 0, 1], 2, 2))]);
        var y = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([2, 2], y.Shape);
        Close([0, 1, 0, 1], y);
    }
}

public class RandomOpsTests
{
    [Fact]
    public void UniformLikeStaysInRangeWithInputShape()
    {
        var outs = RunNode(N("RandomUniformLike", ["x"], ["y"], Attr.Of("low", 2f), Attr.Of("high", 3f)), [("x", F(new float[100], 10, 10))]);
        var y = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([10, 10], y.Shape);
        Assert.All(y.ToDoubles(), v => Assert.InRange(v, 2, 3));
    }

    [Fact]
    public void NormalUsesShapeAndDtypeAttributes()
    {
        var outs = RunNode(N("RandomNormal", [], ["y"], Attr.Of("shape", new long[] { 2, 3 }), Attr.Of("dtype", (long)DType.Float64)), []);
        var y = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([2, 3], y.Shape);
        Assert.Equal(DType.Float64, y.DType);
    }
}
