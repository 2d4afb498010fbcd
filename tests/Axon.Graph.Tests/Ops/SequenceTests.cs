using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class SequenceTests
{
    private static TensorSequence Seq(params float[][] items) => new(DType.Float32, items.Select(v => F(v)));

    private static float[][] Items(IValue? v) => Assert.IsType<TensorSequence>(v).Items.Select(t => t.ToArray<float>()).ToArray();

    [Fact]
    public void ConstructInsertAtEraseLength()
    {
        var outs = RunNode(N("SequenceConstruct", ["a", "b"], ["s"]), [("a", F([1])), ("b", F([2, 3]))]);
        var s = Assert.IsType<TensorSequence>(outs[0]);
        Assert.Equal(2, s.Items.Count);

        var ins = RunNode(N("SequenceInsert", ["s", "t", "p"], ["r"]), [("s", s), ("t", F([9])), ("p", Tensor.Scalar(-1L))]);
        Assert.Equal([[1f], [9f], [2f, 3f]], Items(ins[0]));
        Assert.Equal(2, s.Items.Count);

        var at = RunNode(N("SequenceAt", ["s", "p"], ["r"]), [("s", ins[0]), ("p", Tensor.Scalar(-1L))]);
        Close([2, 3], at[0]);

        var erased = RunNode(N("SequenceErase", ["s"], ["r"]), [("s", ins[0])]);
        Assert.Equal([[1f], [9f]], Items(erased[0]));

        var len = RunNode(N("SequenceLength", ["s"], ["r"]), [("s", erased[0])]);
        Assert.Equal(2L, ((Tensor)len[0]!).ToInt64s()[0]);
    }

    [Fact]
    public void OutOfRangePositionIsAnError()
    {
        Assert.Throws<AxonModelException>(() => RunNode(N("SequenceAt", ["s", "p"], ["r"]), [("s", Seq([1])), ("p", Tensor.Scalar(1L))]));
    }

    [Fact]
    public void EmptyHasTheRequestedDtype()
    {
        var outs = RunNode(N("SequenceEmpty", [], ["s"], Attr.Of("dtype", (long)DType.Int64)), []);
        var s = Assert.IsType<TensorSequence>(outs[0]);
        Assert.Equal(DType.Int64, s.ElementType);
        Assert.Empty(s.Items);
    }

    [Fact]
    public void SplitToSequenceModes()
    {
        var x = F([1, 2, 3, 4, 5], 5);
        var ones = RunNode(N("SplitToSequence", ["x"], ["s"], Attr.Of("keepdims", 0L)), [("x", x)]);
        Assert.All(Assert.IsType<TensorSequence>(ones[0]).Items, t => Assert.Empty(t.Shape));
        var chunks = RunNode(N("SplitToSequence", ["x", "n"], ["s"]), [("x", x), ("n", Tensor.Scalar(2L))]);
        Assert.Equal([[1f, 2f], [3f, 4f], [5f]], Items(chunks[0]));
        var sized = RunNode(N("SplitToSequence", ["x", "n"], ["s"]), [("x", x), ("n", I64([1, 4]))]);
        Assert.Equal([[1f], [2f, 3f, 4f, 5f]], Items(sized[0]));
    }

    [Fact]
    public void ConcatFromSequenceConcatenatesOrStacks()
    {
        var s = Seq([1, 2], [3, 4]);
        var cat = RunNode(N("ConcatFromSequence", ["s"], ["y"], Attr.Of("axis", 0L)), [("s", s)]);
        Assert.Equal([4], ((Tensor)cat[0]!).Shape);
        var stacked = RunNode(N("ConcatFromSequence", ["s"], ["y"], Attr.Of("axis", -1L), Attr.Of("new_axis", 1L)), [("s", s)]);
        var y = Assert.IsType<Tensor>(stacked[0]);
        Assert.Equal([2, 2], y.Shape);
        Close([1, 3, 2, 4], y);
    }

    [Fact]
    public void SequenceMapIteratesSequencesAndBroadcastsTensors()
    {
        var body = G("body", ["e", "k"], ["o"], N("Add", ["e", "k"], ["o"]));
        var outs = RunNode(N("SequenceMap", ["s", "k"], ["r"], Attr.Of("body", body)), [("s", Seq([1], [2, 3])), ("k", F([10]))]);
        Assert.Equal([[11f], [12f, 13f]], Items(outs[0]));
    }

    [Fact]
    public void OptionalWrapsChecksAndUnwraps()
    {
        var wrapped = RunNode(N("Optional", ["x"], ["o"]), [("x", F([7]))]);
        var o = Assert.IsType<OptionalValue>(wrapped[0]);
        Assert.True(o.HasValue);
        var has = RunNode(N("OptionalHasElement", ["o"], ["b"]), [("o", new OptionalValue(null))]);
        Assert.False(((Tensor)has[0]!).ToArray<bool>()[0]);
        var missing = RunNode(N("OptionalHasElement", [""], ["b"]), []);
        Assert.False(((Tensor)missing[0]!).ToArray<bool>()[0]);
        var got = RunNode(N("OptionalGetElement", ["o"], ["x"]), [("o", o)]);
        Close([7], got[0]);
        Assert.Throws<AxonModelException>(() => RunNode(N("OptionalGetElement", ["o"], ["x"]), [("o", new OptionalValue(null))]));
    }
}
