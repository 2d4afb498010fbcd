using static Axon.Graph.Tests.Ops.ReduceOpsHarness;

namespace Axon.Graph.Tests.Ops;

public class ReduceTests
{
    // [[1, 2, 3], [4, 5, 6]]
    private static Tensor X => F([1, 2, 3, 4, 5, 6], 2, 3);

    [Fact]
    public void ReduceSumAxesInputKeepDims()
    {
        var r = Run("ReduceSum", [X, L([1], 1)], opset: 13)[0]!;
        Assert.Equal([2, 1], r.Shape);
        Close([6, 15], r);
    }

    [Fact]
    public void ReduceSumAxesAttributeBeforeOpset13()
    {
        var r = Run("ReduceSum", [X], [Attr.Of("axes", new long[] { 0 }), Attr.Of("keepdims", 0L)], opset: 11)[0]!;
        Assert.Equal([3], r.Shape);
        Close([5, 7, 9], r);
    }

    [Fact]
    public void ReduceSumEmptyAxesNoopIsIdentity()
    {
        var r = Run("ReduceSum", [X, L([], 0)], [Attr.Of("noop_with_empty_axes", 1L)], opset: 13)[0]!;
        Assert.Equal([2, 3], r.Shape);
        Close([1, 2, 3, 4, 5, 6], r);
    }

    [Fact]
    public void ReduceMeanAllAxesByDefault()
    {
        var r = Run("ReduceMean", [X], [Attr.Of("keepdims", 0L)], opset: 18)[0]!;
        Assert.Empty(r.Shape);
        Close([3.5], r);
    }

    [Fact]
    public void ReduceMaxMinNegativeAxis()
    {
        Close([3, 6], Run("ReduceMax", [X, L([-1], 1)], opset: 18)[0]);
        Close([1, 4], Run("ReduceMin", [X, L([-1], 1)], opset: 18)[0]);
    }

    [Fact]
    public void EmptySetGivesIdentityElements()
    {
        var empty = Tensor.Create(DType.Float32, 2, 0, 4);
        var axes = L([1], 1);
        Close([0, 0, 0, 0, 0, 0, 0, 0], Run("ReduceSum", [empty, axes], opset: 18)[0]);
        Close(Enumerable.Repeat(1.0, 8).ToArray(), Run("ReduceProd", [empty, axes], opset: 18)[0]);
        Close(Enumerable.Repeat(double.NegativeInfinity, 8).ToArray(), Run("ReduceMax", [empty, axes], opset: 20)[0]);
        Close(Enumerable.Repeat(double.PositiveInfinity, 8).ToArray(), Run("ReduceMin", [empty, axes], opset: 20)[0]);
        Close(Enumerable.Repeat(double.NegativeInfinity, 8).ToArray(), Run("ReduceLogSumExp", [empty, axes], opset: 18)[0]);
        Assert.Equal([2, 1, 4], Run("ReduceSum", [empty, axes], opset: 18)[0]!.Shape);
    }

    [Fact]
    public void IntegerReductionsAreExact()
    {
        var big = Tensor.FromArray(new long[] { long.MaxValue - 1, 1, -5, 3 }, 2, 2);
        var r = Run("ReduceSum", [big, L([1], 1)], [Attr.Of("keepdims", 0L)], opset: 13)[0]!;
        Assert.Equal(new long[] { long.MaxValue, -2 }, r.ToArray<long>());
        var m = Run("ReduceMax", [Tensor.FromArray(new int[] { -7, -3, -9 }, 3)], opset: 18)[0]!;
        Assert.Equal(new[] { -3 }, m.ToArray<int>());
    }

    [Fact]
    public void ReduceMaxOfBools()
    {
        var b = Tensor.FromArray(new[] { true, false, false, false }, 2, 2);
        var r = Run("ReduceMax", [b, L([1], 1)], opset: 20)[0]!;
        Assert.Equal(new[] { true, false }, r.ToArray<bool>());
    }

    [Fact]
    public void CompositeReductions()
    {
        var x = F([3, -4, 1, 2], 2, 2);
        var axes = L([1], 1);
        Close([7, 3], Run("ReduceL1", [x, axes], opset: 18)[0]);
        Close([5, Math.Sqrt(5)], Run("ReduceL2", [x, axes], opset: 18)[0]);
        Close([25, 5], Run("ReduceSumSquare", [x, axes], opset: 18)[0]);
        Close([-12, 2], Run("ReduceProd", [x, axes], opset: 18)[0]);
        Close([Math.Log(3), Math.Log(3)], Run("ReduceLogSum", [F([1, 2, 0.5f, 2.5f], 2, 2), axes], opset: 18)[0]);
        Close([Math.Log(Math.Exp(3) + Math.Exp(-4)), Math.Log(Math.Exp(1) + Math.Exp(2))], Run("ReduceLogSumExp", [x, axes], opset: 18)[0]);
    }

    [Fact]
    public void ReduceLogSumExpDoesNotOverflow()
    {
        var r = Run("ReduceLogSumExp", [Tensor.FromArray(new double[] { 1000, 1000 }, 2)], opset: 18)[0]!;
        Close([1000 + Math.Log(2)], r);
    }

    [Fact]
    public void ArgMaxArgMinWithTies()
    {
        var x = F([1, 3, 3, 0, 0, 2], 2, 3);
        Assert.Equal(new long[] { 1, 2 }, Run("ArgMax", [x], [Attr.Of("axis", 1L), Attr.Of("keepdims", 0L)], opset: 13)[0]!.ToArray<long>());
        Assert.Equal(new long[] { 2, 2 }, Run("ArgMax", [x], [Attr.Of("axis", 1L), Attr.Of("keepdims", 0L), Attr.Of("select_last_index", 1L)], opset: 13)[0]!.ToArray<long>());
        var min = Run("ArgMin", [x], [Attr.Of("axis", -1L), Attr.Of("select_last_index", 1L)], opset: 13)[0]!;
        Assert.Equal([2, 1], min.Shape);
        Assert.Equal(new long[] { 0, 1 }, min.ToArray<long>());
        Assert.Equal(new long[] { 1, 1, 1 }, Run("ArgMax", [F([1, 0, 5, 2, 4, 6], 2, 3)], opset: 13)[0]!.ToArray<long>());
    }

    [Fact]
    public void ArgMaxAndArgMinPickNaN()
    {
        var x = Tensor.FromArray(new[] { 1f, float.NaN, 5f }, 3);
        Assert.Equal(new long[] { 1 }, Run("ArgMax", [x], opset: 13)[0]!.ToArray<long>());
        Assert.Equal(new long[] { 1 }, Run("ArgMin", [x], opset: 13)[0]!.ToArray<long>());
    }

    [Fact]
    public void UnsignedReductionsCompareAndDivideUnsigned()
    {
        var x = Tensor.FromArray(new ulong[] { ulong.MaxValue - 1, 0 }, 2);
        Assert.Equal(new ulong[] { ulong.MaxValue - 1 }, Run("ReduceMax", [x], opset: 18)[0]!.ToArray<ulong>());
        Assert.Equal(new ulong[] { 0 }, Run("ReduceMin", [x], opset: 18)[0]!.ToArray<ulong>());
        Assert.Equal(new ulong[] { ulong.MaxValue / 2 }, Run("ReduceMean", [x], opset: 18)[0]!.ToArray<ulong>());
        Assert.Equal(new long[] { 0 }, Run("ArgMax", [x], opset: 13)[0]!.ToArray<long>());
    }

    [Fact]
    public void ReduceOverNonAdjacentAxes()
    {
        // shape [2, 3, 2]; reducing axes 0 and 2 leaves the middle axis.
        var x = F([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 2, 3, 2);
        var r = Run("ReduceSum", [x, L([0, 2], 2)], [Attr.Of("keepdims", 0L)], opset: 13)[0]!;
        Assert.Equal([3], r.Shape);
        Close([0 + 1 + 6 + 7, 2 + 3 + 8 + 9, 4 + 5 + 10 + 11], r);
        var k = Run("ReduceMean", [x, L([2, 0], 2)], opset: 18)[0]!;
        Assert.Equal([1, 3, 1], k.Shape);
        Close([3.5, 5.5, 7.5], k);
    }

    [Fact]
    public void ScalarReductionsAreIdentity()
    {
        var s = Tensor.Scalar(4f);
        var r = Run("ReduceSumSquare", [s], opset: 18)[0]!;
        Assert.Empty(r.Shape);
        Close([16], r);
        Close([4], Run("ReduceMax", [s, L([-1], 1)], opset: 18)[0]);
    }
}
