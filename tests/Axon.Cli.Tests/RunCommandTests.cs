using Axon.IO;

namespace Axon.Cli.Tests;

public class RunCommandTests
{
    private static readonly string AddModel = CliHarness.Model("test_add");

    private static float[] Seq(int n, float start, float step) => Enumerable.Range(0, n).Select(i => start + i * step).ToArray();

    [Fact]
    public void RunsAddAndWritesTheOutputAsNpy()
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), Tensor.FromArray(Seq(60, 0, 1), 3, 4, 5));
        Npy.Write(dir.File("y.npy"), Tensor.FromArray(Seq(60, 0.5f, -0.25f), 3, 4, 5));
        var (code, stdout, stderr) = CliHarness.Run("run", AddModel, "--input", $"x={dir.File("x.npy")}", "-i", $"y={dir.File("y.npy")}", "--output-dir", dir.File("out"));
        Assert.True(code == 0, stderr);
        Assert.Contains("sum: float [3,4,5] [0.5, 1.25, 2, 2.75, 3.5, 4.25, 5, 5.75, ... (60 values)]", stdout);
        var sum = Npy.Read(Path.Combine(dir.File("out"), "sum.npy"));
        Assert.Equal([3, 4, 5], sum.Shape);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i + (0.5f - 0.25f * i)).ToArray(), sum.ToArray<float>());
    }

    [Fact]
    public void OutputNamesAreSanitizedIntoFileNames()
    {
        // Relu with an output name that would escape the folder if used as a path.
        var g = new Axon.Graph.Graph { Name = "relu" };
        g.Inputs.Add(new Axon.Graph.ValueInfo("x", Axon.Graph.TypeInfo.Tensor(DType.Float32, 3)));
        g.Outputs.Add(new Axon.Graph.ValueInfo("../head/out:0", Axon.Graph.TypeInfo.Tensor(DType.Float32, 3)));
        g.Nodes.Add(new Axon.Graph.Node("Relu", ["x"], ["../head/out:0"]));
        var model = new Axon.Graph.Model(g) { IrVersion = 9 };
        model.OpsetImports[""] = 17;
        using var dir = new TempDir();
        Axon.Onnx.OnnxModel.Save(model, dir.File("relu.onnx"));
        Npy.Write(dir.File("x.npy"), Tensor.FromArray(new[] { -1f, 0f, 2.5f }));
        var (code, stdout, stderr) = CliHarness.Run("run", dir.File("relu.onnx"), "-i", $"x={dir.File("x.npy")}", "-o", dir.File("out"));
        Assert.True(code == 0, stderr);
        Assert.Contains("../head/out:0: float [3] [0, 0, 2.5]", stdout);
        Assert.Equal(["_head_out_0.npy"], Directory.GetFiles(dir.File("out")).Select(Path.GetFileName));
        Assert.Equal([0f, 0f, 2.5f], Npy.Read(Path.Combine(dir.File("out"), "_head_out_0.npy")).ToArray<float>());
    }

    [Fact]
    public void AcceptsOnnxTestDataProtobufInputs()
    {
        string data = Path.Combine(Path.GetDirectoryName(AddModel)!, "test_data_set_0");
        var (code, stdout, stderr) = CliHarness.Run("run", AddModel, "-i", $"x={Path.Combine(data, "input_0.pb")}", "-i", $"y={Path.Combine(data, "input_1.pb")}");
        Assert.True(code == 0, stderr);
        Assert.StartsWith("sum: float [3,4,5] [", stdout);
    }

    [Fact]
    public void MissingInputIsAnErrorNotInvented()
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), Tensor.Create(DType.Float32, 3, 4, 5));
        var (code, stdout, stderr) = CliHarness.Run("run", AddModel, "--input", $"x={dir.File("x.npy")}");
        Assert.Equal(1, code);
        Assert.Contains("missing input 'y'", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void UnknownInputNameIsAnError()
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), Tensor.Create(DType.Float32, 3, 4, 5));
        var (code, _, stderr) = CliHarness.Run("run", AddModel, "-i", $"x={dir.File("x.npy")}", "-i", $"why={dir.File("x.npy")}");
        Assert.Equal(1, code);
        Assert.Contains("no input named 'why'", stderr);
        Assert.Contains("inputs: x", stderr);
    }

    [Fact]
    public void DTypeMismatchIsAnError()
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), Tensor.Create(DType.Float32, 3, 4, 5));
        Npy.Write(dir.File("y.npy"), Tensor.Create(DType.Float64, 3, 4, 5));
        var (code, _, stderr) = CliHarness.Run("run", AddModel, "-i", $"x={dir.File("x.npy")}", "-i", $"y={dir.File("y.npy")}");
        Assert.Equal(1, code);
        Assert.Contains("input 'y' expects float but", stderr);
        Assert.Contains("holds double", stderr);
    }

    [Theory]
    [InlineData(new[] { 3, 4, 6 }, "dimension 2 is 6, not 5")]
    [InlineData(new[] { 60 }, "expects rank 3")]
    public void ShapeMismatchIsAnError(int[] shape, string expected)
    {
        using var dir = new TempDir();
        Npy.Write(dir.File("x.npy"), Tensor.Create(DType.Float32, 3, 4, 5));
        Npy.Write(dir.File("y.npy"), Tensor.Create(DType.Float32, shape));
        var (code, _, stderr) = CliHarness.Run("run", AddModel, "-i", $"x={dir.File("x.npy")}", "-i", $"y={dir.File("y.npy")}");
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void CorruptNpyInputIsAnInputError()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.npy"), [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0xFF, 0x7F]);
        Npy.Write(dir.File("y.npy"), Tensor.Create(DType.Float32, 3, 4, 5));
        var (code, _, stderr) = CliHarness.Run("run", AddModel, "-i", $"x={dir.File("x.npy")}", "-i", $"y={dir.File("y.npy")}");
        Assert.Equal(1, code);
        Assert.Contains(".npy", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void MalformedInputArgumentIsAUsageError()
    {
        var (code, _, stderr) = CliHarness.Run("run", AddModel, "--input", "x");
        Assert.Equal(2, code);
        Assert.Contains("NAME=FILE.npy", stderr);
    }
}
