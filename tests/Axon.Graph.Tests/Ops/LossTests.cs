using static Axon.Graph.Tests.Ops.ReduceOpsHarness;

namespace Axon.Graph.Tests.Ops;

public class LossTests
{
    // The spec's example: N=2, C=3, d1=2.
    private static Tensor Input => F([1, 2, 2, 2, 3, 2, 0, 1, 2, 2, 1, 2], 2, 3, 2);
    private static Tensor Target => L([2, 1, 0, 2], 2, 2);
    private static Tensor Weight => F([0.2f, 0.3f, 0.1f], 3);

    [Fact]
    public void NllLossReductions()
    {
        var none = Run("NegativeLogLikelihoodLoss", [Input, Target], [Attr.Of("reduction", "none")], opset: 22)[0]!;
        Assert.Equal([2, 2], none.Shape);
        Close([-3, -2, 0, -2], none);
        Close([-1.1], Run("NegativeLogLikelihoodLoss", [Input, Target, Weight], [Attr.Of("reduction", "sum")], opset: 22)[0]);
        Close([-1.1 / 0.7], Run("NegativeLogLikelihoodLoss", [Input, Target, Weight], opset: 22)[0]);
    }

    [Fact]
    public void NllLossIgnoreIndexDropsSamplesFromTheMean()
    {
        var r = Run("NegativeLogLikelihoodLoss", [Input, Target], [Attr.Of("ignore_index", 2L)], opset: 22)[0];
        Close([-1], r);
    }

    [Fact]
    public void SoftmaxCrossEntropyWithLogProb()
    {
        var r = Run("SoftmaxCrossEntropyLoss", [F([1, 2, 3], 1, 3), L([2], 1)], opset: 13, outputs: 2);
        Close([0.40760596], r[0]);
        Close([-2.40760596, -1.40760596, -0.40760596], r[1]);
    }
}
