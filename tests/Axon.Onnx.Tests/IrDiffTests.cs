using Axon.Graph;

namespace Axon.Onnx.Tests;

/// <summary>The structural-equality helper must notice every kind of change, or the round-trip tests prove nothing.</summary>
public class IrDiffTests
{
    [Fact]
    public void EqualModelsHaveNoDiff() => Assert.Null(IrDiff.Diff(RoundTripTests.RichModel(), RoundTripTests.RichModel()));

    [Theory]
    [InlineData("opset")]
    [InlineData("initializer-bytes")]
    [InlineData("attr-float")]
    [InlineData("subgraph-node")]
    [InlineData("input-dim")]
    [InlineData("node-input")]
    [InlineData("function")]
    public void ChangesAreFound(string change)
    {
        var a = RoundTripTests.RichModel();
        var b = RoundTripTests.RichModel();
        var g = b.Graph;
        switch (change)
        {
            case "opset":
                b.OpsetImports[""] = 20;
                break;
            case "initializer-bytes":
                g.Initializers["w"] = Tensor.FromArray(new float[] { 1, -2, 0 }, 3);
                break;
            case "attr-float":
                g.Nodes[1].SetAttr(Attr.Of("f", 1.25f));
                break;
            case "subgraph-node":
                g.Nodes[0].GetGraph("else_branch")!.Nodes[0].Inputs[1] = "x";
                break;
            case "input-dim":
                g.Inputs[0] = new ValueInfo("x", TypeInfo.Tensor(DType.Float32, 1, 3, 4));
                break;
            case "node-input":
                g.Nodes[1].Inputs[1] = "w";
                break;
            case "function":
                b.Functions[0].AttributeDefaults["beta"] = Attr.Of("beta", 3.0f);
                break;
        }
        Assert.NotNull(IrDiff.Diff(a, b));
    }
}
