using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseSiluTests
{
    [Theory]
    [InlineData(13, false, "axon:Silu")]
    [InlineData(13, true, "axon:Silu")]
    [InlineData(24, false, "Swish")]
    public void FusesXTimesSigmoidX(long opset, bool swapped, string expected)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 3, 5));
        g.Outputs.Add(F32("y", 3, 5));
        g.Nodes.Add(N("Sigmoid", ["x"], "s"));
        g.Nodes.Add(N("Mul", swapped ? ["s", "x"] : ["x", "s"], "y"));
        var m = Model(g, opset);
        var r = Apply(new DeadCodeElimination(), Apply(new FuseSilu(), m));
        Assert.Equal([expected], Ops(r));
        SameOutputs(m, r);
    }

    [Fact]
    public void SigmoidOfAnotherValueIsNotSilu()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 3, 5));
        g.Inputs.Add(F32("z", 3, 5));
        g.Outputs.Add(F32("y", 3, 5));
        g.Nodes.Add(N("Sigmoid", ["z"], "s"));
        g.Nodes.Add(N("Mul", ["x", "s"], "y"));
        var m = Model(g);
        Assert.Same(m, Apply(new FuseSilu(), m));
    }
}
