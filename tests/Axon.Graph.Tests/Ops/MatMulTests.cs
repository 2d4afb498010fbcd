using static Axon.Graph.Tests.Ops.NnOpRunner;

namespace Axon.Graph.Tests.Ops;

public class MatMulTests
{
    [Fact]
    public void MatMulPromotesVectorsAndBroadcastsBatches()
    {
        var a = F([1, 2, 3, 4], 2, 2);
        var v = F([1, 1], 2);
        var y = Run("MatMul", [a, v], opset: 13)[0];
        Assert.Equal(new[] { 2 }, y.Shape);
        Near([3, 7], y);
        var b = F([1, 0, 0, 1, 2, 0, 0, 2], 2, 2, 2);
        var z = Run("MatMul", [a, b], opset: 13)[0];
        Assert.Equal(new[] { 2, 2, 2 }, z.Shape);
        Near([1, 2, 3, 4, 2, 4, 6, 8], z);
        var dot = Run("MatMul", [v, v], opset: 13)[0];
        Assert.Empty(dot.Shape);
        Near([2], dot);
    }

    [Fact]
    public void MatMulInt64IsExact()
    {
        var a = Tensor.FromArray(new long[] { 1L << 40, 1 }, 1, 2);
        var b = Tensor.FromArray(new long[] { 3, 1 }, 2, 1);
        Assert.Equal(new[] { (3L << 40) + 1 }, Run("MatMul", [a, b], opset: 13)[0].ToArray<long>());
    }

    [Fact]
    public void GemmTransposesScalesAndBroadcastsC()
    {
        var a = F([1, 3, 2, 4], 2, 2); // A^T = [[1,2],[3,4]]
        var b = F([1, 0, 0, 1], 2, 2);
        var c = F([10, 20], 2);
        var y = Run("Gemm", [a, b, c], opset: 13, attrs: [Attr.Of("transA", 1L), Attr.Of("alpha", 2f), Attr.Of("beta", 0.5f)])[0];
        Near([7, 14, 11, 18], y);
        Near([1, 2, 3, 4], Run("Gemm", [a, b], opset: 13, attrs: Attr.Of("transA", 1L))[0]);
    }

    [Fact]
    public void EinsumHandlesTransposeDiagonalAndEllipsis()
    {
        var m = F([1, 2, 3, 4], 2, 2);
        Near([1, 3, 2, 4], Run("Einsum", [m], opset: 12, attrs: Attr.Of("equation", "ij->ji"))[0]);
        Near([5], Run("Einsum", [m], opset: 12, attrs: Attr.Of("equation", "ii"))[0]);
        Near([1, 4], Run("Einsum", [m], opset: 12, attrs: Attr.Of("equation", "ii->i"))[0]);
        var bm = Run("Einsum", [F([1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 2), m], opset: 12, attrs: Attr.Of("equation", "...ij,jk->...ik"))[0];
        Near([7, 10, 15, 22, 23, 34, 31, 46], bm);
    }

    [Fact]
    public void DetOfBatch()
    {
        var x = F([1, 2, 3, 4, 0, 1, 1, 0], 2, 2, 2);
        Near([-2, -1], Run("Det", [x])[0]);
    }

    [Fact]
    public void ShapeErrorsNameTheNode()
    {
        var a = F([1, 2, 3, 4], 2, 2);
        var e = Assert.Throws<AxonModelException>(() => Run("Gemm", [a, a, F([1, 2, 3], 3)], opset: 13));
        Assert.Contains("Gemm", e.Message);
        Assert.Throws<AxonModelException>(() => Run("MatMul", [a, F([1, 2, 3], 3)], opset: 13));
    }

    [Fact]
    public void EinsumThreeOperandsAndImplicitOutput()
    {
        var a = F([1, 2], 2);
        var b = F([1, 2, 3, 4], 2, 2);
        var c = F([1, 10], 2);
        // i,ij,j -> scalar: sum_ij a_i b_ij c_j = 1*(1+20) + 2*(3+40) = 107.
        Near([107], Run("Einsum", [a, b, c], opset: 12, attrs: Attr.Of("equation", "i,ij,j"))[0]);
        // Implicit "ba" output is the alphabetical "ab": a transpose of b's own layout.
        Near([1, 3, 2, 4], Run("Einsum", [b], opset: 12, attrs: Attr.Of("equation", "ba"))[0]);
    }
}
