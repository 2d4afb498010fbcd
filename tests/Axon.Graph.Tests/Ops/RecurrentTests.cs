using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

/// <summary>RNN, GRU and LSTM with hidden_size 1 and input_size 1, checked against values worked out by hand.</summary>
public class RecurrentTests
{
    private static readonly Tensor X = F([1, 2], 2, 1, 1);

    [Fact]
    public void RnnForward()
    {
        var node = N("RNN", ["X", "W", "R"], ["Y", "Y_h"], Attr.Of("hidden_size", 1L));
        var outs = RunNode(node, [("X", X), ("W", F([0.5f], 1, 1, 1)), ("R", F([0.25f], 1, 1, 1))]);
        // h1 = tanh(0.5); h2 = tanh(1 + 0.25·h1)
        Close([0.46211716, 0.80600823], outs[0]);
        Assert.Equal([2, 1, 1, 1], ((Tensor)outs[0]!).Shape);
        Close([0.80600823], outs[1]);
    }

    [Fact]
    public void RnnBidirectionalWithBatchFirstLayout()
    {
        var node = N("RNN", ["X", "W", "R"], ["Y", "Y_h"], Attr.Of("hidden_size", 1L),
            Attr.Of("direction", "bidirectional"), Attr.Of("layout", 1L));
        var outs = RunNode(node, [("X", F([1, 2], 1, 2, 1)), ("W", F([0.5f, 0.5f], 2, 1, 1)), ("R", F([0.25f, 0.25f], 2, 1, 1))]);
        // Y is [batch, seq, dirs, hidden]; the reverse direction sees x=2 first: r1 = tanh(1), r0 = tanh(0.5 + 0.25·r1).
        var y = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([1, 2, 2, 1], y.Shape);
        Close([0.46211716, 0.59823797, 0.80600823, 0.76159416], y);
        Close([0.80600823, 0.59823797], outs[1]);
    }

    [Fact]
    public void RnnSequenceLensZeroesPaddingAndKeepsLastValidState()
    {
        var node = N("RNN", ["X", "W", "R", "", "L"], ["Y", "Y_h"], Attr.Of("hidden_size", 1L));
        var outs = RunNode(node, [("X", F([1, 5, 2, 6], 2, 2, 1)), ("W", F([0.5f], 1, 1, 1)), ("R", F([0.25f], 1, 1, 1)),
            ("L", Tensor.FromArray(new[] { 2, 1 }))]);
        // Batch 1 stops after one step: its second Y row is zero and Y_h is tanh(2.5).
        Close([0.46211716, Math.Tanh(2.5), 0.80600823, 0], outs[0]);
        Close([0.80600823, Math.Tanh(2.5)], outs[1]);
    }

    [Fact]
    public void LstmForward()
    {
        // Gates in order i, o, f, c.
        var node = N("LSTM", ["X", "W", "R"], ["Y", "Y_h", "Y_c"], Attr.Of("hidden_size", 1L));
        var outs = RunNode(node, [("X", X), ("W", F([0.1f, 0.2f, 0.3f, 0.4f], 1, 4, 1)), ("R", F([0.5f, 0.6f, 0.7f, 0.8f], 1, 4, 1))]);
        Close([0.10824109, 0.29900780], outs[0]);
        Close([0.29900780], outs[1]);
        Close([0.53190443], outs[2]);
    }

    [Fact]
    public void LstmPeepholesAndInitialCell()
    {
        var node = N("LSTM", ["X", "W", "R", "", "", "h0", "c0", "P"], ["", "Y_h", "Y_c"], Attr.Of("hidden_size", 1L));
        var outs = RunNode(node, [("X", F([1], 1, 1, 1)), ("W", F([0.1f, 0.2f, 0.3f, 0.4f], 1, 4, 1)), ("R", F([0.5f, 0.6f, 0.7f, 0.8f], 1, 4, 1)),
            ("h0", F([0], 1, 1, 1)), ("c0", F([1], 1, 1, 1)), ("P", F([0.1f, 0.2f, 0.3f], 1, 3))]);
        // Y is not requested, so the graph's outputs are Y_h then Y_c.
        Close([0.41029837], outs[0]);
        Close([0.85456516], outs[1]);
    }

    [Theory]
    [InlineData(0L, 0.50881140, 0.58859615)]
    [InlineData(1L, 0.50199853, 0.58018644)]
    public void GruWithBiasAndInitialState(long linearBeforeReset, double y0, double y1)
    {
        // Gates in order z, r, h; B = [Wb_z, Wb_r, Wb_h, Rb_z, Rb_r, Rb_h].
        var node = N("GRU", ["X", "W", "R", "B", "", "h0"], ["Y", "Y_h"], Attr.Of("hidden_size", 1L),
            Attr.Of("linear_before_reset", linearBeforeReset));
        var outs = RunNode(node, [("X", X), ("W", F([0.1f, 0.2f, 0.3f], 1, 3, 1)), ("R", F([0.4f, 0.5f, 0.6f], 1, 3, 1)),
            ("B", F([0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f], 1, 6)), ("h0", F([0.5f], 1, 1, 1))]);
        Close([y0, y1], outs[0]);
        Close([y1], outs[1]);
    }

    [Fact]
    public void ActivationAlphaIsConsumedByTheFunctionsThatTakeIt()
    {
        // LeakyRelu with alpha 0.5 on a negative pre-activation: h = 0.5·(-1·2) = -1.
        var node = N("RNN", ["X", "W", "R"], ["", "Y_h"], Attr.Of("hidden_size", 1L),
            Attr.Of("activations", new[] { "LeakyRelu" }), Attr.Of("activation_alpha", new[] { 0.5f }));
        var outs = RunNode(node, [("X", F([2], 1, 1, 1)), ("W", F([-1], 1, 1, 1)), ("R", F([0], 1, 1, 1))]);
        Close([-1], outs[0]);
    }
}
