using Axon.Graph;
using Axon.Graph.Reference;

namespace Axon.Onnx.Tests;

public class FunctionInlinerTests
{
    private static Model Caller(Function f, params string[] callOutputs)
    {
        var g = new Axon.Graph.Graph { Name = "main" };
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, 2)));
        g.Inputs.Add(new ValueInfo("c", TypeInfo.Tensor(DType.Bool)));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Float32, 2)));
        g.Nodes.Add(new Node(f.Name, ["x", "c"], callOutputs, "call", "local"));
        var m = new Model(g);
        m.OpsetImports[""] = 17;
        m.OpsetImports["local"] = 1;
        m.Functions.Add(f);
        return m;
    }

    [Fact]
    public void BodyRunsWithCallersValues()
    {
        var f = new Function
        {
            Name = "Twice",
            Domain = "local",
            Inputs = ["a", "cond"],
            Outputs = ["b"],
            Nodes = [new Node("Relu", ["a"], ["r"], "relu"), new Node("Add", ["r", "r"], ["b"], "add")],
        };
        f.OpsetImports[""] = 17;
        var m = OnnxModel.Load(OnnxModel.ToBytes(Caller(f, "y")), null);
        Assert.Equal(2, m.Graph.Nodes.Count);
        var outs = new ReferenceExecutor(m).Run(new Dictionary<string, IValue?>
        {
            ["x"] = Tensor.FromArray(new float[] { -1, 2 }, 2),
            ["c"] = Tensor.Scalar(true),
        });
        Assert.Equal(new[] { 0f, 4f }, ((Tensor)outs[0].Value!).ToArray<float>());
    }

    [Fact]
    public void SubgraphsInTheBodySeeRenamedValues()
    {
        // Body: r = Relu(a); b = If(cond) { then: Relu(r) } { else: r }. The branches read the body-local 'r'.
        var then = new Axon.Graph.Graph { Name = "then" };
        then.Outputs.Add(new ValueInfo("t", TypeInfo.Tensor(DType.Float32)));
        then.Nodes.Add(new Node("Relu", ["r"], ["t"], "inner"));
        var els = new Axon.Graph.Graph { Name = "else" };
        els.Outputs.Add(new ValueInfo("r", TypeInfo.Tensor(DType.Float32)));
        var f = new Function
        {
            Name = "Branchy",
            Domain = "local",
            Inputs = ["a", "cond"],
            Outputs = ["b", "extra"],
            Nodes =
            [
                new Node("Relu", ["a"], ["r"], "relu"),
                new Node("If", ["cond"], ["b"], "if").SetAttr(Attr.Of("then_branch", then)).SetAttr(Attr.Of("else_branch", els)),
                new Node("Relu", ["b"], ["extra"], "tail"),
                new Node("Relu", ["extra"], ["unused"], "reads_omitted_output"),
            ],
        };
        f.OpsetImports[""] = 17;
        // The caller omits the second output: the body still needs it internally.
        var m = OnnxModel.Load(OnnxModel.ToBytes(Caller(f, "y", "")), null);
        var relu = m.Graph.Nodes[0];
        var ifNode = m.Graph.Nodes[1];
        Assert.Equal(relu.Outputs[0], ifNode.GetGraph("then_branch")!.Nodes[0].Inputs[0]);
        Assert.Equal(relu.Outputs[0], ifNode.GetGraph("else_branch")!.Outputs[0].Name);
        Assert.Equal("y", ifNode.Outputs[0]);
        Assert.NotEqual("", m.Graph.Nodes[2].Outputs[0]);
        Assert.Equal(m.Graph.Nodes[2].Outputs[0], m.Graph.Nodes[3].Inputs[0]);
        // The original function body is untouched (it is kept for export).
        Assert.Equal("r", then.Nodes[0].Inputs[0]);
    }

    [Fact]
    public void AttributeReferencesTakeTheCallersValueOrTheDefault()
    {
        var f = new Function
        {
            Name = "WithAttrs",
            Domain = "local",
            Inputs = ["a"],
            Outputs = ["b"],
            AttributeNames = ["alpha", "beta"],
            Nodes = [new Node("Custom", ["a"], ["b"], "n", "local2")
                .SetAttr(new Attr("x", AttrKind.Float) { RefAttrName = "alpha" })
                .SetAttr(new Attr("y", AttrKind.Float) { RefAttrName = "beta" })],
        };
        f.AttributeDefaults["beta"] = Attr.Of("beta", 2.5f);
        f.OpsetImports["local2"] = 1;
        var m = Caller(f, "y");
        m.Graph.Nodes[0].SetAttr(Attr.Of("alpha", 0.5f));
        var loaded = OnnxModel.Load(OnnxModel.ToBytes(m), null);
        var n = loaded.Graph.Nodes[0];
        Assert.Equal(0.5f, n.GetFloat("x", 0));
        Assert.Equal(2.5f, n.GetFloat("y", 0));
        Assert.Equal(1, loaded.OpsetFor("local2"));
    }
}
