using static Axon.Graph.Tests.Ops.ShapeOpRunner;

namespace Axon.Graph.Tests.Ops;

public class GatherTests
{
    [Fact]
    public void GatherAxis0WithNegativeIndices() =>
        // rows of [[0,1],[2,3],[4,5]] picked by [[2,0],[-1,1]]
        AssertTensor(Run("Gather", [Iota(3, 2), Tensor.FromArray(new long[] { 2, 0, -1, 1 }, 2, 2)]), [2, 2, 2], [4, 5, 0, 1, 4, 5, 2, 3]);

    [Fact]
    public void GatherAxis1() =>
        AssertTensor(Run("Gather", [Iota(2, 3), I64(2, 0)], Attr.Of("axis", 1L)), [2, 2], [2, 0, 5, 3]);

    [Fact]
    public void GatherOutOfRangeIsAnError() =>
        Assert.Throws<AxonModelException>(() => Run("Gather", [Iota(3), I64(3)]));

    [Fact]
    public void GatherStrings() =>
        Assert.Equal(new[] { "c", "a" }, Run("Gather", [Tensor.FromStrings(["a", "b", "c"], 3), I64(2, 0)]).Strings.ToArray());

    [Fact]
    public void GatherElementsFollowsIndicesAlongAxis() =>
        AssertTensor(Run("GatherElements", [F32([1, 2, 3, 4], 2, 2), Tensor.FromArray(new long[] { 0, 0, 1, 0 }, 2, 2)], Attr.Of("axis", 1L)), [2, 2], [1, 1, 4, 3]);

    [Fact]
    public void GatherNDWithBatchDims() =>
        // data [[[0,1],[2,3]],[[4,5],[6,7]]], indices [[1],[0]]: batch 0 takes row 1, batch 1 row 0.
        AssertTensor(Run("GatherND", [Iota(2, 2, 2), Tensor.FromArray(new long[] { 1, 0 }, 2, 1)], Attr.Of("batch_dims", 1L)), [2, 2], [2, 3, 4, 5]);

    [Fact]
    public void GatherNDElements() =>
        AssertTensor(Run("GatherND", [Iota(2, 2), Tensor.FromArray(new long[] { 0, 0, 1, 1 }, 2, 2)]), [2], [0, 3]);

    [Fact]
    public void ScatterNDOverwritesSlices() =>
        AssertTensor(RunAt(18, "ScatterND", [F32([1, 2, 3, 4, 5, 6, 7, 8], 8), Tensor.FromArray(new long[] { 4, 3, 1, 7 }, 4, 1), F32([9, 10, 11, 12], 4)]),
            [8], [1, 11, 3, 10, 9, 6, 7, 12]);

    [Theory]
    [InlineData("none", 3, 1)]
    [InlineData("add", 6, 1)]
    [InlineData("mul", 6, 1)]
    [InlineData("max", 3, 1)]
    [InlineData("min", 1, 1)]
    public void ScatterNDReducesDuplicatesInOrder(string reduction, double first, double second)
    {
        var indices = Tensor.FromArray(new long[] { 0, 0 }, 2, 1);
        var r = RunAt(18, "ScatterND", [F32([1, 1], 2), indices, F32([2, 3], 2)], Attr.Of("reduction", reduction));
        AssertTensor(r, [2], [first, second]);
    }

    [Fact]
    public void ScatterNDIntegerAdd()
    {
        var r = RunAt(18, "ScatterND", [Tensor.FromArray(new int[] { 1, 1 }), Tensor.FromArray(new long[] { 1, 1 }, 2, 1), Tensor.FromArray(new int[] { 5, 7 })], Attr.Of("reduction", "add"));
        Assert.Equal(new[] { 1, 13 }, r.ToArray<int>());
    }

    [Fact]
    public void ScatterElementsAlongAxisWithNegativeIndex() =>
        AssertTensor(Run("ScatterElements", [F32([1, 2, 3, 4, 5], 1, 5), Tensor.FromArray(new long[] { 1, -3 }, 1, 2), F32([10, 20], 1, 2)], Attr.Of("axis", 1L)),
            [1, 5], [1, 10, 20, 4, 5]);

    [Fact]
    public void DeprecatedScatterMatchesScatterElements() =>
        AssertTensor(RunAt(10, "Scatter", [F32([1, 2, 3, 4, 5], 1, 5), Tensor.FromArray(new long[] { 1, 3 }, 1, 2), F32([10, 20], 1, 2)], Attr.Of("axis", 1L)),
            [1, 5], [1, 10, 3, 20, 5]);

    [Fact]
    public void TensorScatterWritesAtEachRowsIndex()
    {
        var cache = Tensor.Create(DType.Float32, 2, 4, 1);
        var update = F32([1, 2, 3, 4], 2, 2, 1);
        AssertTensor(RunAt(24, "TensorScatter", [cache, update, I64(0, 2)]), [2, 4, 1], [1, 2, 0, 0, 0, 0, 3, 4]);
        AssertTensor(RunAt(24, "TensorScatter", [cache, update, I64(1, 3)], Attr.Of("mode", "circular")), [2, 4, 1], [0, 1, 2, 0, 4, 0, 0, 3]);
        Assert.Throws<AxonModelException>(() => RunAt(24, "TensorScatter", [cache, update, I64(1, 3)]));
    }
}
