using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class ScanTests
{
    // Body: (sum, x_t) -> (sum + x_t, sum + x_t): a running sum.
    private static Graph Body() => G("body", ["s_in", "x_t"], ["s_out", "s_out"], N("Add", ["s_in", "x_t"], ["s_out"]));

    [Fact]
    public void ForwardScanComputesRunningSum()
    {
        var node = N("Scan", ["s0", "x"], ["s", "ys"], Attr.Of("body", Body()), Attr.Of("num_scan_inputs", 1L));
        var outs = RunNode(node, [("s0", F([0, 0])), ("x", F([1, 2, 3, 4, 5, 6], 3, 2))], opset: 16);
        Close([9, 12], outs[0]);
        Close([1, 2, 4, 6, 9, 12], outs[1]);
    }

    [Fact]
    public void ReverseInputAndAxisOneOutput()
    {
        var node = N("Scan", ["s0", "x"], ["s", "ys"], Attr.Of("body", Body()), Attr.Of("num_scan_inputs", 1L),
            Attr.Of("scan_input_directions", new long[] { 1 }), Attr.Of("scan_output_axes", new long[] { 1 }));
        var outs = RunNode(node, [("s0", F([0, 0])), ("x", F([1, 2, 3, 4, 5, 6], 3, 2))], opset: 16);
        Close([9, 12], outs[0]);
        // Steps see rows 2, 1, 0: sums [5,6], [8,10], [9,12]; stacked on axis 1 gives [2, 3].
        var ys = Assert.IsType<Tensor>(outs[1]);
        Assert.Equal([2, 3], ys.Shape);
        Close([5, 8, 9, 6, 10, 12], ys);
    }

    [Fact]
    public void Opset8HasBatchAxisAndSequenceLens()
    {
        var node = N("Scan", ["", "s0", "x"], ["s", "ys"], Attr.Of("body", Body()), Attr.Of("num_scan_inputs", 1L));
        var outs = RunNode(node, [("s0", F([0, 100], 2, 1)), ("x", F([1, 2, 3, 4, 5, 6], 2, 3, 1))], opset: 8);
        Close([6, 115], outs[0]);
        Close([1, 3, 6, 104, 109, 115], outs[1]);
        Assert.Equal([2, 3, 1], ((Tensor)outs[1]!).Shape);
    }
}

public class ScanSequenceLensTests
{
    [Fact]
    public void Opset8ShortSequencesStopEarlyAndPadWithZeros()
    {
        var body = ControlOpHarness.G("body", ["s_in", "x_t"], ["s_out", "s_out"], ControlOpHarness.N("Add", ["s_in", "x_t"], ["s_out"]));
        var node = ControlOpHarness.N("Scan", ["lens", "s0", "x"], ["s", "ys"], Attr.Of("body", body), Attr.Of("num_scan_inputs", 1L));
        var outs = ControlOpHarness.RunNode(node, [("lens", ControlOpHarness.I64([3, 0])), ("s0", ControlOpHarness.F([0, 100], 2, 1)),
            ("x", ControlOpHarness.F([1, 2, 3, 4, 5, 6], 2, 3, 1))], opset: 8);
        // Batch 1 has length 0: its state stays 100 and its scan output is all padding.
        ControlOpHarness.Close([6, 100], outs[0]);
        ControlOpHarness.Close([1, 3, 6, 0, 0, 0], outs[1]);
    }
}
