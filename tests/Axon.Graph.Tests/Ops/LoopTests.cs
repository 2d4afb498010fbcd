using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class LoopTests
{
    // Body: (i, cond, x) -> (cond, x + one, x + one); "one" comes from the enclosing graph.
    private static Graph Body() => G("body", ["i", "cond_in", "x_in"], ["cond_in", "x_out", "x_out"],
        N("Add", ["x_in", "one"], ["x_out"]));

    [Fact]
    public void TripCountRunsBodyAndStacksScanOutputs()
    {
        var node = N("Loop", ["M", "", "x0"], ["x_final", "xs"], Attr.Of("body", Body()));
        var outs = RunNode(node, [("M", Tensor.Scalar(3L)), ("x0", F([0, 10])), ("one", F([1, 1]))]);
        Close([3, 13], outs[0]);
        var xs = Assert.IsType<Tensor>(outs[1]);
        Assert.Equal([3, 2], xs.Shape);
        Close([1, 11, 2, 12, 3, 13], xs);
    }

    [Fact]
    public void FalseInitialConditionRunsNothingAndScanOutputIsEmpty()
    {
        var body = Body();
        body.Outputs[2] = V("x_out", DType.Float32, 2);
        var node = N("Loop", ["M", "c", "x0"], ["x_final", "xs"], Attr.Of("body", body));
        var outs = RunNode(node, [("M", Tensor.Scalar(5L)), ("c", Tensor.Scalar(false)), ("x0", F([4, 5])), ("one", F([1, 1]))]);
        Close([4, 5], outs[0]);
        var xs = Assert.IsType<Tensor>(outs[1]);
        Assert.Equal([0, 2], xs.Shape);
        Assert.Equal(DType.Float32, xs.DType);
    }

    [Fact]
    public void BodyConditionStopsTheLoop()
    {
        // cond_out = Add(iteration, -1) != 0 is awkward without comparison ops; instead carry the condition itself:
        // the body yields a constant false condition (an outer value), so exactly one iteration runs.
        var body = G("body", ["i", "cond_in", "x_in"], ["stop", "x_out"], N("Add", ["x_in", "one"], ["x_out"]));
        var node = N("Loop", ["", "c", "x0"], ["x_final"], Attr.Of("body", body));
        var outs = RunNode(node, [("c", Tensor.Scalar(true)), ("x0", F([0])), ("one", F([1])), ("stop", Tensor.Scalar(false))]);
        Close([1], outs[0]);
    }

    [Fact]
    public void CarriesSequences()
    {
        var body = G("body", ["i", "cond_in", "s_in"], ["cond_in", "s_out"], N("SequenceInsert", ["s_in", "i"], ["s_out"]));
        var node = N("Loop", ["M", "", "s0"], ["s_final"], Attr.Of("body", body));
        var outs = RunNode(node, [("M", Tensor.Scalar(3L)), ("s0", new TensorSequence(DType.Int64, []))]);
        var seq = Assert.IsType<TensorSequence>(outs[0]);
        Assert.Equal([0L, 1L, 2L], seq.Items.Select(t => t.ToInt64s()[0]));
    }
}
