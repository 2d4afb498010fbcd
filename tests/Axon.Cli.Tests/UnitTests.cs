using Axon.Cli.Inspection;
using Axon.Cli.Rendering;
using Axon.Cli.Running;
using Axon.Graph;
using Axon.IO;

namespace Axon.Cli.Tests;

public class FlopsEstimatorTests
{
    private static Model OneNode(string op, ValueInfo[] inputs, ValueInfo output, params Attr[] attrs)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.AddRange(inputs);
        g.Outputs.Add(output);
        var n = new Node(op, inputs.Select(i => i.Name), [output.Name]);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        g.Nodes.Add(n);
        return new Model(g);
    }

    private static ValueInfo V(string name, params long[] dims) => new(name, TypeInfo.Tensor(DType.Float32, dims));

    [Fact]
    public void BatchedMatMulBroadcastsBatchDims()
    {
        // [2,1,3,4] x [5,4,6] -> batch 2*5, 2*3*6*4 each.
        var m = OneNode("MatMul", [V("a", 2, 1, 3, 4), V("b", 5, 4, 6)], new ValueInfo("y", TypeInfo.Unknown));
        Assert.Equal(2.0 * 10 * 3 * 6 * 4, FlopsEstimator.Estimate(m).Flops);
    }

    [Fact]
    public void GemmHonoursTranspose()
    {
        var m = OneNode("Gemm", [V("a", 7, 3), V("b", 5, 7)], V("y", 3, 5), Attr.Of("transA", 1L), Attr.Of("transB", 1L));
        Assert.Equal(2.0 * 3 * 5 * 7, FlopsEstimator.Estimate(m).Flops);
    }

    [Fact]
    public void ConvComputesOutputSizeFromAttributesWhenUndeclared()
    {
        // x [1,2,7,7], W [4,1,3,3], group 2, stride 2, no pads: 3x3 outputs, each reads 1*9 inputs per output channel.
        var m = OneNode("Conv", [V("x", 1, 2, 7, 7), V("w", 4, 1, 3, 3)], new ValueInfo("y", TypeInfo.Unknown),
            Attr.Of("strides", new long[] { 2, 2 }), Attr.Of("group", 2L));
        Assert.Equal(2.0 * 1 * 4 * 9 * 1 * 9, FlopsEstimator.Estimate(m).Flops);
    }

    [Fact]
    public void ConvTransposeCountsPerInputElement()
    {
        var m = OneNode("ConvTranspose", [V("x", 1, 3, 4, 4), V("w", 3, 2, 3, 3)], new ValueInfo("y", TypeInfo.Unknown));
        Assert.Equal(2.0 * 3 * 16 * 2 * 9, FlopsEstimator.Estimate(m).Flops);
    }

    [Fact]
    public void SymbolicShapesMakeTheEstimateUnknown()
    {
        var a = new ValueInfo("a", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("N"), Dim.Known(4)])));
        var m = OneNode("MatMul", [a, V("b", 4, 2)], new ValueInfo("y", TypeInfo.Unknown));
        var e = FlopsEstimator.Estimate(m);
        Assert.Null(e.Flops);
        Assert.Contains("unknown", e.Note);
    }
}

public class InputBinderTests
{
    private static ValueInfo Sym(string name, params string[] dims) =>
        new(name, TypeInfo.Tensor(DType.Float32, new SymShape(dims.Select(d => long.TryParse(d, out long v) ? Dim.Known(v) : Dim.Sym(d)))));

    [Fact]
    public void SymbolicDimsMustAgreeAcrossInputs()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(Sym("a", "N", "3"));
        g.Inputs.Add(Sym("b", "N"));
        using var dir = new TempDir();
        Npy.Write(dir.File("a.npy"), Tensor.Create(DType.Float32, 2, 3));
        Npy.Write(dir.File("b2.npy"), Tensor.Create(DType.Float32, 2));
        Npy.Write(dir.File("b5.npy"), Tensor.Create(DType.Float32, 5));
        var ok = InputBinder.Bind(g, [("a", dir.File("a.npy")), ("b", dir.File("b2.npy"))]);
        Assert.Equal(2, ok.Count);
        var e = Assert.Throws<AxonInputException>(() => InputBinder.Bind(g, [("a", dir.File("a.npy")), ("b", dir.File("b5.npy"))]));
        Assert.Contains("N=5", e.Message);
        Assert.Contains("N=2", e.Message);
    }

    [Fact]
    public void InitializerBackedInputsMayBeOmitted()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(Sym("w", "2"));
        g.Initializers["w"] = Tensor.FromArray(new[] { 1f, 2f });
        Assert.Empty(InputBinder.Bind(g, []));
    }

    [Fact]
    public void DuplicateInputIsAUsageError()
    {
        Assert.Throws<UsageException>(() => InputBinder.ParseAssignments(["a=1.npy", "a=2.npy"]));
    }
}

public class ValueFormatTests
{
    [Theory]
    [InlineData("logits", "logits")]
    [InlineData("model/head:0", "model_head_0")]
    [InlineData("../../etc/passwd", "_.._etc_passwd")]
    [InlineData("..", "output")]
    [InlineData("", "output")]
    [InlineData("a b\\c", "a_b_c")]
    public void OutputNamesBecomeSafeFileNames(string name, string expected)
    {
        Assert.Equal(expected, ValueFormat.SafeFileName(name, new HashSet<string>()));
    }

    [Fact]
    public void CollidingNamesGetSuffixes()
    {
        var used = new HashSet<string>();
        Assert.Equal("y_0", ValueFormat.SafeFileName("y:0", used));
        Assert.Equal("y_0_2", ValueFormat.SafeFileName("y/0", used));
        Assert.Equal("Y_0_3", ValueFormat.SafeFileName("Y_0", used));
    }

    [Fact]
    public void PreviewShowsLeadingValuesAndCount()
    {
        Assert.Equal("[1, 2, 3]", ValueFormat.Preview(Tensor.FromArray(new long[] { 1, 2, 3 })));
        Assert.Equal("[0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, ... (10 values)]", ValueFormat.Preview(Tensor.FromArray(Enumerable.Range(0, 10).Select(i => i * 0.5).ToArray())));
        Assert.Equal("[true, false]", ValueFormat.Preview(Tensor.FromArray(new[] { true, false })));
        Assert.Equal("[\"hi\"]", ValueFormat.Preview(Tensor.FromStrings(["hi"], 1)));
    }
}
