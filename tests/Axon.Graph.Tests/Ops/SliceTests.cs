using static Axon.Graph.Tests.Ops.ShapeOpRunner;

namespace Axon.Graph.Tests.Ops;

public class SliceTests
{
    [Fact]
    public void SlicesEachAxis() =>
        // [[0,1,2,3],[4,5,6,7],[8,9,10,11]] rows 0..2, cols 1..3
        AssertTensor(Run("Slice", [Iota(3, 4), I64(0, 1), I64(2, 3)]), [2, 2], [1, 2, 5, 6]);

    [Fact]
    public void NegativeStepClampsStartAndRunsToElementZero() =>
        AssertTensor(Run("Slice", [Iota(5), I64(10), I64(-100), I64(0), I64(-2)]), [3], [4, 2, 0]);

    [Fact]
    public void NegativeAxisAndHugeEnd() =>
        AssertTensor(Run("Slice", [Iota(2, 3), I64(1), I64(long.MaxValue), I64(-1)]), [2, 2], [1, 2, 4, 5]);

    [Fact]
    public void StartPastEndIsEmpty() =>
        Assert.Equal(new[] { 0 }, Run("Slice", [Iota(5), I64(3), I64(1)]).Shape);

    [Fact]
    public void Opset1TakesAttributes() =>
        AssertTensor(RunAt(1, "Slice", [Iota(2, 3)], Attr.Of("starts", new long[] { 1 }), Attr.Of("ends", new long[] { 2 }), Attr.Of("axes", new long[] { 0 })), [1, 3], [3, 4, 5]);

    [Fact]
    public void HugeNegativeStepTakesOneElement() =>
        AssertTensor(Run("Slice", [Iota(5), I64(-1), I64(-100), I64(0), I64(long.MinValue)]), [1], [4]);

    [Fact]
    public void SlicesStringsAndBools()
    {
        Assert.Equal(new[] { "c", "a" }, Run("Slice", [Tensor.FromStrings(["a", "b", "c"], 3), I64(2), I64(-4), I64(0), I64(-2)]).Strings.ToArray());
        Assert.Equal(new[] { true, false }, Run("Slice", [Tensor.FromArray(new[] { false, true, false }), I64(1), I64(3)]).ToArray<bool>());
    }

    [Fact]
    public void ZeroStepIsAnError() =>
        Assert.Throws<AxonModelException>(() => Run("Slice", [Iota(5), I64(0), I64(5), I64(0), I64(0)]));
}
