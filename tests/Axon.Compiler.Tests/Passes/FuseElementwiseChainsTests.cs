using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Graph.Text;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseElementwiseChainsTests
{
    /// <summary>y = Tanh(Relu(x·s + b)) with a scalar s and a last-axis bias b.</summary>
    private static Model Chain()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 3, 8));
        g.Outputs.Add(F32("y", 2, 3, 8));
        g.Initializers["s"] = Scalar(0.75f);
        g.Initializers["b"] = Random(7, 8);
        g.Nodes.Add(N("Mul", ["x", "s"], "t"));
        g.Nodes.Add(N("Add", ["t", "b"], "u"));
        g.Nodes.Add(N("Relu", ["u"], "v"));
        g.Nodes.Add(N("Tanh", ["v"], "y"));
        return Model(g);
    }

    [Fact]
    public void ChainBecomesOneNodeWithItsProgram()
    {
        var m = Apply(new InferShapes(), Chain());
        var r = Apply(new FuseElementwiseChains(), m, out var ctx);
        Assert.Equal(["axon:FusedElementwise"], Ops(r));
        var n = r.Graph.Nodes[0];
        Assert.Equal(["x", "s", "b"], n.Inputs);
        Assert.Equal(["y"], n.Outputs);
        Assert.Equal("Mul x0 x1; Add t0 x2; Relu t1; Tanh t2", n.GetString("program", ""));
        Assert.Contains("FusedElementwise", IrPrinter.Print(r.Graph));
        Assert.Equal(4, ctx.Stats["fuse-elementwise"]["ops fused"]);
        SameOutputs(m, r);
    }

    [Fact]
    public void SharedValueSplitsTheChainAndGraphOutputsSurvive()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 4, 5));
        g.Outputs.Add(F32("y1", 4, 5));
        g.Outputs.Add(F32("y2", 4, 5));
        g.Outputs.Add(F32("e", 4, 5));
        g.Nodes.Add(N("Exp", ["x"], "e"));          // a graph output: must stay
        g.Nodes.Add(N("Neg", ["e"], "n"));
        g.Nodes.Add(N("Sigmoid", ["n"], "y1"));
        g.Nodes.Add(N("Abs", ["x"], "a"));
        g.Nodes.Add(N("Sqrt", ["a"], "q"));         // read twice: its consumers fuse separately
        g.Nodes.Add(N("Add", ["q", "x"], "y2a"));
        g.Nodes.Add(N("Mul", ["q", "y2a"], "y2"));
        var m = Apply(new InferShapes(), Model(g));
        var r = Apply(new FuseElementwiseChains(), m);
        Assert.Equal(["Exp", "axon:FusedElementwise", "axon:FusedElementwise", "axon:FusedElementwise"], Ops(r));
        Assert.Equal("Neg x0; Sigmoid t0", r.Graph.Nodes[1].GetString("program", ""));
        Assert.Equal("Abs x0; Sqrt t0", r.Graph.Nodes[2].GetString("program", ""));
        Assert.Equal("Add x0 x1; Mul x0 t0", r.Graph.Nodes[3].GetString("program", ""));
        SameOutputs(m, r);
    }

    [Fact]
    public void ActivationParametersAndPerChannelConstantsCarryOver()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 3, 4, 5));
        g.Outputs.Add(F32("y", 1, 3, 4, 5));
        g.Initializers["scale"] = Random(3, 3, 1, 1);
        g.Initializers["lo"] = Scalar(-0.2f);
        g.Initializers["hi"] = Scalar(0.3f);
        g.Nodes.Add(N("Mul", ["x", "scale"], "a"));
        g.Nodes.Add(N("LeakyRelu", ["a"], "b", Attr.Of("alpha", 0.2f)));
        g.Nodes.Add(N("Clip", ["b", "lo", "hi"], "y"));
        var m = Apply(new InferShapes(), Model(g, 13));
        var r = Apply(new FuseElementwiseChains(), m);
        Assert.Equal(["axon:FusedElementwise"], Ops(r));
        Assert.Equal("Mul x0 x1; LeakyRelu t0 alpha=0.2; Clip t1 min=-0.2 max=0.3", r.Graph.Nodes[0].GetString("program", ""));
        SameOutputs(m, r);
    }

    [Fact]
    public void BroadcastTheKernelCannotWalkIsLeftAlone()
    {
        // [3,1] against [3,4]: fine (block of axis 0); [1,4,1,5]-style gaps are not.
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 3, 4));
        g.Outputs.Add(F32("y", 2, 3, 4));
        g.Initializers["c"] = Random(5, 2, 1, 4);
        g.Nodes.Add(N("Add", ["x", "c"], "a"));
        g.Nodes.Add(N("Relu", ["a"], "y"));
        var m = Apply(new InferShapes(), Model(g));
        Assert.Same(m, Apply(new FuseElementwiseChains(), m));
    }

    [Fact]
    public void O3FusesWhatO2LeavesAndKeepsNumbers()
    {
        var m = Chain();
        var o2 = Pipelines.For(2).Run(m);
        var o3 = Pipelines.For(3).Run(m);
        Assert.Equal(4, o2.Graph.Nodes.Count);
        Assert.Equal(["axon:FusedElementwise"], Ops(o3));
        SameOutputs(m, o3);
    }
}
