using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class IfTests
{
    private static Node IfNode() => N("If", ["c"], ["y"],
        Attr.Of("then_branch", G("then", [], ["a"])),
        Attr.Of("else_branch", G("else", [], ["s"], N("Add", ["a", "b"], ["s"]))));

    [Fact]
    public void TrueConditionRunsThenBranchReadingOuterScope()
    {
        var outs = RunNode(IfNode(), [("c", Tensor.Scalar(true)), ("a", F([1, 2])), ("b", F([10, 20]))]);
        Close([1, 2], outs[0]);
    }

    [Fact]
    public void FalseConditionRunsElseBranch()
    {
        var outs = RunNode(IfNode(), [("c", Tensor.Scalar(false)), ("a", F([1, 2])), ("b", F([10, 20]))]);
        Close([11, 22], outs[0]);
    }

    [Fact]
    public void BranchMayYieldASequence()
    {
        var node = N("If", ["c"], ["y"],
            Attr.Of("then_branch", G("then", [], ["q"], N("SequenceConstruct", ["a", "a"], ["q"]))),
            Attr.Of("else_branch", G("else", [], ["q"], N("SequenceConstruct", ["a"], ["q"]))));
        var outs = RunNode(node, [("c", Tensor.Scalar(true)), ("a", F([3]))]);
        Assert.Equal(2, Assert.IsType<TensorSequence>(outs[0]).Items.Count);
    }

    [Fact]
    public void MultiElementConditionIsAnError()
    {
        Assert.Throws<AxonModelException>(() => RunNode(IfNode(), [("c", Tensor.FromArray(new[] { true, false })), ("a", F([1])), ("b", F([1]))]));
    }
}
