using Axon.Graph.Builder;
using Axon.Graph.Text;

namespace Axon.Graph.Tests.Text;

public sealed class IrTextTests
{
    private const string Sample = """
        opset ai.onnx=21 com.microsoft=1
        graph main(%x: f32[batch,3,224,224]) -> (%y: f32[batch,1000], %"odd name:0": ?) {
          %w = const f32[64,3,7,7]
          %shape = const i64[2] [1,-1]
          %fc = const f32[64,1000]
          %c: f32[batch,64,112,112] = Conv(%x, %w) {pads=[3,3,3,3], strides=[2,2]}
          %p = GlobalAveragePool(%c)
          %f = Reshape(%p, %shape)
          %g = Gemm(%f, %fc, none) {alpha=0.5, transB=0}
          %y = Softmax(%g) {axis=-1}
          %a, none = com.microsoft::Custom(%y) {empty=ints[], eps=1E-05, mode="a \"quoted\" \\ string", names=["p","q"], scales=[1.0,2.5]}
          %"odd name:0" = Identity(%a)
        }

        """;

    [Fact]
    public void PrintParsePrintIsIdentical()
    {
        var m = IrParser.ParseModel(Sample);
        string printed = IrPrinter.Print(m);
        Assert.Equal(Sample.ReplaceLineEndings("\n"), printed);
        Assert.Equal(printed, IrPrinter.Print(IrParser.ParseModel(printed)));
    }

    [Fact]
    public void ParsedStructureIsRight()
    {
        var m = IrParser.ParseModel(Sample);
        var g = m.Graph;
        Assert.Equal(1, m.OpsetFor("com.microsoft"));
        Assert.Equal(21, m.OpsetFor(""));
        Assert.Equal([64, 3, 7, 7], g.Initializers["w"].Shape);
        Assert.Equal([1L, -1L], g.Initializers["shape"].ToInt64s());
        var conv = g.Nodes[0];
        Assert.Equal([3L, 3, 3, 3], conv.GetInts("pads")!);
        Assert.Equal("f32[batch,64,112,112]", g.ValueInfos["c"].Type.ToString());
        var custom = g.Nodes[5];
        Assert.Equal("com.microsoft", custom.Domain);
        Assert.Equal(["a", ""], custom.Outputs);
        Assert.Equal("a \"quoted\" \\ string", custom.GetString("mode", ""));
        Assert.Equal(AttrKind.Ints, custom.GetAttr("empty")!.Kind);
        Assert.Equal(1e-5f, custom.GetFloat("eps", 0));
        Assert.Equal(AttrKind.Float, g.Nodes[3].GetAttr("alpha")!.Kind);
        Assert.Equal(AttrKind.Int, g.Nodes[3].GetAttr("transB")!.Kind);
        Assert.Equal("", g.Nodes[3].Inputs[2]);
        Assert.Equal("odd name:0", g.Outputs[1].Name);
    }

    [Fact]
    public void NestedCallsBecomeSingleUseIntermediates()
    {
        var g = IrParser.ParseGraph("""
            graph g(%a: f32[2,4], %w: f32[4,3], %b: f32[3]) -> (%y: ?) {
              %y = Relu(Gemm(%a, %w, %b) {transB=0})
            }
            """);
        Assert.Equal(2, g.Nodes.Count);
        Assert.Equal("Gemm", g.Nodes[0].OpType);
        Assert.Equal(g.Nodes[0].Outputs[0], g.Nodes[1].Inputs[0]);
        Assert.Equal(0, g.Nodes[0].GetInt("transB", 9));
        Assert.Equal("y", g.Nodes[1].Outputs[0]);
    }

    [Fact]
    public void SubgraphsRoundTrip()
    {
        const string text = """
            opset ai.onnx=21
            graph g(%c: bool[], %a: f32[2]) -> (%y: f32[2]) {
              %y = If(%c) {else_branch=graph e() -> (%eo: f32[2]) {
                %eo = Neg(%a)
              }, then_branch=graph t() -> (%to: f32[2]) {
                %to = Relu(%a)
              }}
            }

            """;
        Assert.Equal(text.ReplaceLineEndings("\n"), IrPrinter.Print(IrParser.ParseModel(text)));
    }

    [Fact]
    public void BuiltModelsRoundTrip()
    {
        var m = ModelZoo.SmallCnn();
        string once = IrPrinter.Print(m);
        Assert.Equal(once, IrPrinter.Print(IrParser.ParseModel(once)));
        Assert.Contains("%conv1_w = const f32[16,3,3,3]", once);
    }

    [Fact]
    public void FloatsKeepExactValues()
    {
        var g = new Graph();
        g.Initializers["v"] = Tensor.FromArray(new[] { 0.1f, -3e-8f, float.PositiveInfinity, float.NaN, 1f });
        g.Outputs.Add(new ValueInfo("v", TypeInfo.Unknown));
        var back = IrParser.ParseGraph(IrPrinter.Print(g)).Initializers["v"].ToArray<float>();
        Assert.Equal(new[] { 0.1f, -3e-8f, float.PositiveInfinity, float.NaN, 1f }, back);
    }

    [Fact]
    public void RandomFillIsSeeded()
    {
        const string text = "graph g() -> (%w: ?) {\n  %w = const f32[8]\n}";
        var a = IrParser.ParseGraph(text, ConstFill.Random, 7).Initializers["w"].ToArray<float>();
        var b = IrParser.ParseGraph(text, ConstFill.Random, 7).Initializers["w"].ToArray<float>();
        var c = IrParser.ParseGraph(text, ConstFill.Random, 8).Initializers["w"].ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void ErrorsSayWhere()
    {
        var e = Assert.Throws<AxonModelException>(() => IrParser.ParseGraph("graph g() -> () {\n  %y = Relu(%x\n}"));
        Assert.Contains("line 3", e.Message);
    }
}
