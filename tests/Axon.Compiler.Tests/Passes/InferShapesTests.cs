using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class InferShapesTests
{
    [Fact]
    public void InferredTypesLetCleanupDropSameTypeCastAndShapeKeepingReshape()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 6));
        g.Outputs.Add(F32("y", 2, 6));
        g.Initializers["s"] = Tensor.FromArray(new long[] { 2, -1 });
        g.Nodes.Add(N("Relu", ["x"], "a"));
        g.Nodes.Add(N("Cast", ["a"], "b", Attr.Of("to", (long)DType.Float32)));
        g.Nodes.Add(N("Reshape", ["b", "s"], "c"));
        g.Nodes.Add(N("Exp", ["c"], "y"));
        var m = Model(g);
        var typed = Apply(new InferShapes(), m, out var ctx);
        Assert.Equal(TypeInfo.Tensor(DType.Float32, 2, 6), typed.Graph.ValueInfos["a"].Type);
        Assert.Equal(3, ctx.Stats["infer-shapes"]["values-typed"]);
        Assert.Same(typed, Apply(new InferShapes(), typed)); // nothing new the second time
        var r = Pipelines.For(1).Run(m);
        Assert.Equal(["Relu", "Exp"], Ops(r));
        SameOutputs(m, r);
    }
}
