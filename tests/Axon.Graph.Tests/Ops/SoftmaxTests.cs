using static Axon.Graph.Tests.Ops.ReduceOpsHarness;

namespace Axon.Graph.Tests.Ops;

public class SoftmaxTests
{
    [Fact]
    public void SoftmaxOfOneTwoThree()
    {
        Close([0.09003057, 0.24472847, 0.66524096], Run("Softmax", [F([1, 2, 3], 1, 3)], opset: 13)[0]);
    }

    [Fact]
    public void SoftmaxIsStableForLargeInputs()
    {
        Close([0.09003057, 0.24472847, 0.66524096], Run("Softmax", [F([10001, 10002, 10003], 3)], opset: 13)[0]);
    }

    [Fact]
    public void Opset13UsesOneAxisButOlderOpsetsCoerceTo2D()
    {
        var x = F([0, 0, 0, 0], 2, 2);
        var axis0 = new[] { Attr.Of("axis", 0L) };
        Close([0.5, 0.5, 0.5, 0.5], Run("Softmax", [x], axis0, opset: 13)[0]);
        // Before 13, axis 0 flattens the whole tensor into one row of four.
        Close([0.25, 0.25, 0.25, 0.25], Run("Softmax", [x], axis0, opset: 11)[0]);
        // The old default axis is 1, the new one -1; both mean rows here.
        Close([0.5, 0.5, 0.5, 0.5], Run("Softmax", [x], opset: 1)[0]);
    }

    [Fact]
    public void LogSoftmaxOfOneTwoThree()
    {
        Close([-2.40760596, -1.40760596, -0.40760596], Run("LogSoftmax", [F([1, 2, 3], 3)], opset: 13)[0]);
    }

    [Fact]
    public void HardmaxMarksFirstMaximum()
    {
        var r = Run("Hardmax", [F([1, 3, 3, 2, 0, 1], 2, 3)], opset: 13)[0];
        Close([0, 1, 0, 1, 0, 0], r);
        var col = Run("Hardmax", [F([1, 3, 3, 2, 0, 1], 2, 3)], [Attr.Of("axis", 0L)], opset: 13)[0];
        Close([0, 1, 1, 1, 0, 0], col);
    }
}
