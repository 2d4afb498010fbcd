using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseGeluTests
{
    private static Model ErfForm(int ordering, long opset)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 4, 6));
        g.Outputs.Add(F32("y", 4, 6));
        g.Initializers["sqrt2"] = Scalar(1.4142135f);
        g.Initializers["rsqrt2"] = Scalar(0.70710677f);
        g.Initializers["one"] = Scalar(1);
        g.Initializers["half"] = Scalar(0.5f);
        g.Nodes.Add(ordering == 2 ? N("Mul", ["x", "rsqrt2"], "a") : N("Div", ["x", "sqrt2"], "a"));
        g.Nodes.Add(N("Erf", ["a"], "e"));
        g.Nodes.Add(N("Add", ordering == 1 ? ["one", "e"] : ["e", "one"], "p"));
        switch (ordering)
        {
            case 0: // (x * (1 + erf)) * 0.5, PyTorch's usual export
                g.Nodes.Add(N("Mul", ["x", "p"], "t"));
                g.Nodes.Add(N("Mul", ["t", "half"], "y"));
                break;
            case 1: // (x * 0.5) * (1 + erf)
                g.Nodes.Add(N("Mul", ["x", "half"], "t"));
                g.Nodes.Add(N("Mul", ["t", "p"], "y"));
                break;
            default: // x * ((1 + erf) * 0.5)
                g.Nodes.Add(N("Mul", ["p", "half"], "t"));
                g.Nodes.Add(N("Mul", ["x", "t"], "y"));
                break;
        }
        return Model(g, opset);
    }

    [Theory]
    [InlineData(0, 13, "axon:Gelu")]
    [InlineData(1, 13, "axon:Gelu")]
    [InlineData(2, 13, "axon:Gelu")]
    [InlineData(0, 20, "Gelu")]
    public void FusesErfForm(int ordering, long opset, string expected)
    {
        var m = ErfForm(ordering, opset);
        var r = Apply(new DeadCodeElimination(), Apply(new FuseGelu(), m));
        var n = Assert.Single(r.Graph.Nodes);
        Assert.Equal(expected, Ops(r)[0]);
        Assert.Equal(["x"], n.Inputs);
        Assert.False(n.HasAttr("approximate"));
        SameOutputs(m, r);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusesTanhForm(bool powCube)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 4, 6));
        g.Outputs.Add(F32("y", 4, 6));
        g.Initializers["three"] = Scalar(3);
        g.Initializers["k"] = Scalar(0.044715f);
        g.Initializers["c"] = Scalar(0.7978846f);
        g.Initializers["one"] = Scalar(1);
        g.Initializers["half"] = Scalar(0.5f);
        if (powCube)
        {
            g.Nodes.Add(N("Pow", ["x", "three"], "cube"));
        }
        else
        {
            g.Nodes.Add(N("Mul", ["x", "x"], "sq"));
            g.Nodes.Add(N("Mul", ["x", "sq"], "cube"));
        }
        g.Nodes.Add(N("Mul", ["k", "cube"], "kc"));
        g.Nodes.Add(N("Add", ["x", "kc"], "inner"));
        g.Nodes.Add(N("Mul", ["c", "inner"], "arg"));
        g.Nodes.Add(N("Tanh", ["arg"], "th"));
        g.Nodes.Add(N("Add", ["one", "th"], "p"));
        g.Nodes.Add(N("Mul", ["half", "x"], "hx"));
        g.Nodes.Add(N("Mul", ["hx", "p"], "y"));
        var m = Model(g, 13);
        var r = Apply(new DeadCodeElimination(), Apply(new FuseGelu(), m));
        var n = Assert.Single(r.Graph.Nodes);
        Assert.Equal("axon:Gelu", Ops(r)[0]);
        Assert.Equal("tanh", n.GetString("approximate", ""));
        SameOutputs(m, r);
    }

    [Fact]
    public void WrongConstantIsNotGelu()
    {
        var m = ErfForm(0, 13);
        m.Graph.Initializers["half"] = Scalar(0.6f);
        Assert.Same(m, Apply(new FuseGelu(), m));
    }
}
