using static Axon.Graph.Tests.Ops.ShapeOpRunner;

namespace Axon.Graph.Tests.Ops;

public class ReshapeTests
{
    [Fact]
    public void ZeroCopiesDimAndMinusOneInfers()
    {
        var r = Run("Reshape", [Iota(2, 3, 4), I64(0, -1)]);
        Assert.Equal(new[] { 2, 12 }, r.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (double)i), r.ToDoubles());
    }

    [Fact]
    public void AllowZeroMakesZeroLiteral()
    {
        var empty = Tensor.FromArray(Array.Empty<float>(), 0, 3);
        Assert.Equal(new[] { 3, 0 }, Run("Reshape", [empty, I64(3, 0)], Attr.Of("allowzero", 1L)).Shape);
        // Without allowzero the 0 copies dim 1 (3), asking for 9 elements from 0.
        Assert.Throws<AxonModelException>(() => Run("Reshape", [empty, I64(3, 0)]));
    }

    [Fact]
    public void TwoInferredDimsAreAnError() =>
        Assert.Throws<AxonModelException>(() => Run("Reshape", [Iota(2, 3), I64(-1, -1)]));

    [Theory]
    [InlineData(2, 6, 4)]
    [InlineData(-1, 6, 4)]
    [InlineData(0, 1, 24)]
    [InlineData(3, 24, 1)]
    public void FlattenSplitsAtAxis(long axis, int rows, int cols) =>
        Assert.Equal(new[] { rows, cols }, Run("Flatten", [Iota(2, 3, 4)], Attr.Of("axis", axis)).Shape);

    [Fact]
    public void SqueezeTakesAxesFromAttributeBeforeOpset13AndInputAfter()
    {
        var x = Iota(2, 1, 3, 1);
        Assert.Equal(new[] { 2, 1, 3 }, RunAt(11, "Squeeze", [x], Attr.Of("axes", new long[] { -1 })).Shape);
        Assert.Equal(new[] { 2, 3 }, RunAt(13, "Squeeze", [x]).Shape);
        Assert.Equal(new[] { 2, 3, 1 }, RunAt(13, "Squeeze", [x, I64(1)]).Shape);
        Assert.Throws<AxonModelException>(() => RunAt(13, "Squeeze", [x, I64(0)]));
    }

    [Fact]
    public void UnsqueezeAxesCountInOutputRank()
    {
        var x = Iota(2, 3);
        Assert.Equal(new[] { 1, 2, 3, 1 }, RunAt(13, "Unsqueeze", [x, I64(-1, 0)]).Shape);
        Assert.Equal(new[] { 2, 1, 3 }, RunAt(11, "Unsqueeze", [x], Attr.Of("axes", new long[] { 1 })).Shape);
    }

    [Fact]
    public void ShapeWindowClampsLikePythonSlicing()
    {
        var x = Iota(2, 3, 4, 5);
        Assert.Equal(new long[] { 3, 4 }, Run("Shape", [x], Attr.Of("start", 1L), Attr.Of("end", -1L)).ToInt64s());
        Assert.Equal(new long[] { 2, 3, 4, 5 }, Run("Shape", [x], Attr.Of("start", -10L)).ToInt64s());
        Assert.Empty(Run("Shape", [x], Attr.Of("start", 3L), Attr.Of("end", 1L)).ToInt64s());
        Assert.Equal(new long[] { 120 }, Run("Size", [x]).ToInt64s());
        Assert.Empty(Run("Size", [x]).Shape);
    }
}
