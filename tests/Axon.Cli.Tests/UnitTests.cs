using Axon.Cli.Rendering;
using Axon.Cli.Running;
using Axon.Graph;
using Axon.IO;

namespace Axon.Cli.Tests;

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
