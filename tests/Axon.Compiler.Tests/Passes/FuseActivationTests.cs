using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseActivationTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "Conv", "Relu", "Relu" },
        { "Conv", "LeakyRelu", "LeakyRelu" },
        { "Conv", "Clip", "Clip" },
        { "MatMul", "Sigmoid", "Sigmoid" },
        { "MatMul", "Tanh", "Tanh" },
        { "MatMul", "Gelu", "Gelu" },
        { "Gemm", "GeluTanh", "GeluTanh" },
        { "Gemm", "Silu", "Silu" },
        { "Gemm", "Swish", "Silu" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusesActivationIntoProducer(string producer, string act, string expected)
    {
        var g = new Axon.Graph.Graph();
        string[] ins;
        if (producer == "Conv")
        {
            g.Inputs.Add(F32("x", 1, 2, 5, 5));
            g.Outputs.Add(F32("y", 1, 3, 3, 3));
            g.Initializers["w"] = Random(2, 3, 2, 3, 3);
            ins = ["x", "w"];
        }
        else
        {
            g.Inputs.Add(F32("x", 3, 4));
            g.Outputs.Add(F32("y", 3, 5));
            g.Initializers["w"] = Random(2, 4, 5);
            g.Initializers["c"] = Random(3, 5);
            ins = producer == "Gemm" ? ["x", "w", "c"] : ["x", "w"];
        }
        g.Nodes.Add(N(producer, ins, "t"));
        g.Initializers["lo"] = Scalar(-0.2f);
        g.Initializers["hi"] = Scalar(0.3f);
        g.Nodes.Add(act switch
        {
            "LeakyRelu" => N("LeakyRelu", ["t"], "y", Attr.Of("alpha", 0.2f)),
            "Clip" => N("Clip", ["t", "lo", "hi"], "y"),
            "GeluTanh" => N("Gelu", ["t"], "y", Attr.Of("approximate", "tanh")),
            "Silu" => new Node("Silu", ["t"], ["y"], domain: "axon"),
            _ => N(act, ["t"], "y"),
        });
        var m = Model(g, opset: 24);
        m.OpsetImports["axon"] = 1;
        var r = Apply(new FuseActivation(), m);
        var n = Assert.Single(r.Graph.Nodes);
        Assert.Equal("axon", n.Domain);
        Assert.Equal("Fused" + producer, n.OpType);
        Assert.Equal(expected, n.GetString("activation", ""));
        SameOutputs(m, r);
    }

    [Fact]
    public void SharedProducerOutputIsNotFused()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 3, 4));
        g.Outputs.Add(F32("y", 3, 5));
        g.Outputs.Add(F32("t", 3, 5));
        g.Initializers["w"] = Random(2, 4, 5);
        g.Nodes.Add(N("MatMul", ["x", "w"], "t"));
        g.Nodes.Add(N("Relu", ["t"], "y"));
        var m = Model(g);
        Assert.Same(m, Apply(new FuseActivation(), m));
    }
}
