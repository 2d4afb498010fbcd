using static Axon.Graph.Tests.Ops.ShapeOpRunner;

namespace Axon.Graph.Tests.Ops;

public class DataMovementTests
{
    private static Tensor[] Outs(IValue?[] v) => v.Select(x => (Tensor)x!).ToArray();

    [Fact]
    public void ConcatNegativeAxis() =>
        AssertTensor(Run("Concat", [F32([1, 2], 1, 2), F32([3], 1, 1)], Attr.Of("axis", -1L)), [1, 3], [1, 2, 3]);

    [Fact]
    public void SplitNumOutputsLeavesSmallerLastChunk()
    {
        var r = Outs(RunAll("Split", [Iota(7)], 3, 18, Attr.Of("num_outputs", 3L)));
        AssertTensor(r[0], [3], [0, 1, 2]);
        AssertTensor(r[1], [3], [3, 4, 5]);
        AssertTensor(r[2], [1], [6]);
    }

    [Fact]
    public void SplitSizesFromInputAtOpset13AndAttributeBefore()
    {
        var a = Outs(RunAll("Split", [Iota(3), I64(1, 2)], 2, 13));
        AssertTensor(a[1], [2], [1, 2]);
        var b = Outs(RunAll("Split", [Iota(2, 3)], 2, 11, Attr.Of("axis", -1L), Attr.Of("split", new long[] { 2, 1 })));
        AssertTensor(b[0], [2, 2], [0, 1, 3, 4]);
        AssertTensor(b[1], [2, 1], [2, 5]);
    }

    [Fact]
    public void TileRepeatsEachAxis() =>
        AssertTensor(Run("Tile", [Iota(2, 2), I64(1, 2)]), [2, 4], [0, 1, 0, 1, 2, 3, 2, 3]);

    [Fact]
    public void ExpandBroadcastsBothWays() =>
        AssertTensor(Run("Expand", [Iota(3, 1), I64(2, 1, 2)]), [2, 3, 2], [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);

    [Fact]
    public void TransposeDefaultReversesAxes() =>
        AssertTensor(Run("Transpose", [Iota(2, 3)]), [3, 2], [0, 3, 1, 4, 2, 5]);

    [Fact]
    public void TransposeWithPerm() =>
        // x[i,j,k] = 6i + 3j... shape [2,1,3] -> perm [2,0,1] gives y[k,i,j] = x[i,j,k]
        AssertTensor(Run("Transpose", [Iota(2, 1, 3)], Attr.Of("perm", new long[] { 2, 0, 1 })), [3, 2, 1], [0, 3, 1, 4, 2, 5]);

    [Fact]
    public void RangeIntegersAndFloats()
    {
        var r = Run("Range", [Tensor.Scalar(10), Tensor.Scalar(4), Tensor.Scalar(-2)]);
        Assert.Equal(DType.Int32, r.DType);
        Assert.Equal(new[] { 10, 8, 6 }, r.ToArray<int>());
        AssertTensor(Run("Range", [Tensor.Scalar(3f), Tensor.Scalar(9f), Tensor.Scalar(3f)]), [2], [3, 6]);
        Assert.Equal(new[] { 0 }, Run("Range", [Tensor.Scalar(3L), Tensor.Scalar(1L), Tensor.Scalar(1L)]).Shape);
    }

    [Fact]
    public void OneHotNegativeAndOutOfRangeIndices() =>
        AssertTensor(Run("OneHot", [I64(0, -1, 5), Tensor.Scalar(3L), F32([2, 7], 2)]), [3, 3], [7, 2, 2, 2, 2, 7, 2, 2, 2]);

    [Fact]
    public void OneHotAxis0() =>
        AssertTensor(Run("OneHot", [I64(1, 0), Tensor.Scalar(2f), F32([0, 1], 2)], Attr.Of("axis", 0L)), [2, 2], [0, 1, 1, 0]);

    [Fact]
    public void TriluUpperAndLowerWithK()
    {
        AssertTensor(Run("Trilu", [Iota(3, 3), Tensor.Scalar(1L)]), [3, 3], [0, 1, 2, 0, 0, 5, 0, 0, 0]);
        AssertTensor(Run("Trilu", [Iota(3, 3), Tensor.Scalar(-1L)], Attr.Of("upper", 0L)), [3, 3], [0, 0, 0, 3, 0, 0, 6, 7, 0]);
    }

    [Fact]
    public void CumSumAndCumProdOptions()
    {
        var x = F32([1, 2, 3], 3);
        AssertTensor(Run("CumSum", [x, Tensor.Scalar(0L)]), [3], [1, 3, 6]);
        AssertTensor(Run("CumSum", [x, Tensor.Scalar(0)], Attr.Of("exclusive", 1L), Attr.Of("reverse", 1L)), [3], [5, 3, 0]);
        AssertTensor(RunAt(26, "CumProd", [x, Tensor.Scalar(-1L)], Attr.Of("exclusive", 1L), Attr.Of("reverse", 1L)), [3], [6, 3, 1]);
        Assert.Equal(new[] { 1, 5, 2, 5 }, Run("CumSum", [Tensor.FromArray(new[] { 1, 4, 2, 3 }, 2, 2), Tensor.Scalar(1L)]).ToArray<int>());
    }

    [Fact]
    public void DepthToSpaceModesAndSpaceToDepthInverse()
    {
        var x = Iota(1, 8, 1, 1);
        var dcr = Run("DepthToSpace", [x], Attr.Of("blocksize", 2L));
        AssertTensor(dcr, [1, 2, 2, 2], [0, 2, 4, 6, 1, 3, 5, 7]);
        AssertTensor(Run("DepthToSpace", [x], Attr.Of("blocksize", 2L), Attr.Of("mode", "CRD")), [1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
        AssertTensor(Run("SpaceToDepth", [dcr], Attr.Of("blocksize", 2L)), [1, 8, 1, 1], [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    [Fact]
    public void NonZeroAndCompress()
    {
        var nz = Run("NonZero", [F32([1, 0, 0, 2], 2, 2)]);
        Assert.Equal(new[] { 2, 2 }, nz.Shape);
        Assert.Equal(new long[] { 0, 1, 0, 1 }, nz.ToInt64s());
        var cond = Tensor.FromArray(new[] { false, true, true });
        AssertTensor(Run("Compress", [Iota(3, 2), cond], Attr.Of("axis", 0L)), [2, 2], [2, 3, 4, 5]);
        AssertTensor(Run("Compress", [Iota(3, 2), cond]), [2], [1, 2]);
    }

    [Fact]
    public void EyeLikeAndConstantOfShape()
    {
        var eye = Run("EyeLike", [Iota(2, 3)], Attr.Of("k", 1L), Attr.Of("dtype", (long)DType.Int32));
        Assert.Equal(new[] { 0, 1, 0, 0, 0, 1 }, eye.ToArray<int>());
        var c = Run("ConstantOfShape", [I64(2, 2)], Attr.Of("value", Tensor.FromArray(new[] { 7 })));
        Assert.Equal(new[] { 7, 7, 7, 7 }, c.ToArray<int>());
        var z = Run("ConstantOfShape", [I64(2, 0)]);
        Assert.Equal(DType.Float32, z.DType);
        Assert.Equal(new[] { 2, 0 }, z.Shape);
    }

    [Fact]
    public void ReverseSequencePerBatchLength() =>
        AssertTensor(Run("ReverseSequence", [Iota(4, 4), I64(1, 2, 3, 4)], Attr.Of("batch_axis", 0L), Attr.Of("time_axis", 1L)),
            [4, 4], [0, 1, 2, 3, 5, 4, 6, 7, 10, 9, 8, 11, 15, 14, 13, 12]);

    [Fact]
    public void Col2ImSumsOverlappingBlocks()
    {
        AssertTensor(Run("Col2Im", [F32([1, 2, 3, 4], 1, 4, 1), I64(2, 2), I64(2, 2)]), [1, 1, 2, 2], [1, 2, 3, 4]);
        // Image 1x3, block 1x2: column 0 covers x=0,1 and column 1 covers x=1,2.
        AssertTensor(Run("Col2Im", [F32([1, 2, 3, 4], 1, 2, 2), I64(1, 3), I64(1, 2)]), [1, 1, 1, 3], [1, 5, 4]);
    }
}
