using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class DeadCodeEliminationTests
{
    [Fact]
    public void RemovesUnreachableNodesAndInitializersKeepsOutputsAndSubgraphCaptures()
    {
        var branch = new Axon.Graph.Graph { Name = "then" };
        branch.Outputs.Add(F32("b_out", 2));
        branch.Nodes.Add(N("Neg", ["captured"], "b_out"));
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2));
        g.Inputs.Add(new ValueInfo("cond", TypeInfo.Tensor(DType.Bool)));
        g.Outputs.Add(F32("y", 2));
        g.Outputs.Add(F32("z", 2));
        g.Initializers["unused"] = Tensor.FromArray(new[] { 1f, 2f });
        g.Initializers["w"] = Tensor.FromArray(new[] { 3f, 4f });
        g.Nodes.Add(N("Relu", ["x"], "captured"));
        g.Nodes.Add(N("Mul", ["x", "unused"], "dead1"));
        g.Nodes.Add(N("Exp", ["dead1"], "dead2"));
        g.Nodes.Add(N("Add", ["x", "w"], "y"));
        g.Nodes.Add(N("If", ["cond"], "z", Attr.Of("then_branch", branch), Attr.Of("else_branch", branch)));
        var m = Model(g);
        var r = Apply(new DeadCodeElimination(), m, out var ctx);
        Assert.Equal(["Relu", "Add", "If"], Ops(r));
        Assert.False(r.Graph.Initializers.ContainsKey("unused"));
        Assert.True(r.Graph.Initializers.ContainsKey("w"));
        Assert.Equal(2, ctx.Stats["dce"]["nodes-removed"]);
        var inputs = Inputs(m);
        inputs["cond"] = Tensor.FromArray(new[] { true }, Array.Empty<int>());
        SameOutputs(m, r, inputs);
        Assert.Same(r, Apply(new DeadCodeElimination(), r));
    }
}
