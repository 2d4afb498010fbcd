namespace Axon.Cli.Tests;

public class InspectCommandTests
{
    [Fact]
    public void DescribesTheAddModel()
    {
        var (code, stdout, stderr) = CliHarness.Run("inspect", CliHarness.Model("test_add"));
        Assert.True(code == 0, stderr);
        Assert.Contains("ir_version:   7", stdout);
        Assert.Contains("producer:     backend-test", stdout);
        Assert.Contains("opsets:       ai.onnx 14", stdout);
        Assert.Contains("  x  float [3,4,5]", stdout);
        Assert.Contains("  sum  float [3,4,5]", stdout);
        Assert.Contains("parameters:   0 in 0 initializers (0 B)", stdout);
        Assert.Contains("nodes:        1", stdout);
        Assert.Matches(@"\n  Add\s+1  60 FLOPs\r?\n", stdout);
        Assert.Contains("flops:        60 FLOPs per inference", stdout); // one add per element
        Assert.Contains("memory:       720 B per inference", stdout); // 3 tensors of 60 floats
    }

    [Theory]
    [InlineData("test_matmul_2d", "72 FLOPs per inference")] // [3,4] x [4,3]: 2*3*3*4
    [InlineData("test_basic_conv_with_padding", "450 FLOPs per inference")] // 5x5 outputs x 3x3 kernel x 2
    public void EstimatesFlopsFromStaticShapes(string test, string expected)
    {
        var (code, stdout, stderr) = CliHarness.Run("inspect", CliHarness.Model(test));
        Assert.True(code == 0, stderr);
        Assert.Contains("flops:        " + expected, stdout);
    }

    [Fact]
    public void SymbolicShapesGiveASymbolicEstimate()
    {
        // y = x[batch,4] @ w[4,3] with w an initializer: 2*batch*3*4 FLOPs.
        var g = new Axon.Graph.Graph { Name = "mm" };
        g.Inputs.Add(new Axon.Graph.ValueInfo("x", Axon.Graph.TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch"), Dim.Known(4)]))));
        g.Initializers["w"] = Tensor.FromArray(new float[12], 4, 3);
        g.Outputs.Add(new Axon.Graph.ValueInfo("y", Axon.Graph.TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch"), Dim.Known(3)]))));
        g.Nodes.Add(new Axon.Graph.Node("MatMul", ["x", "w"], ["y"]));
        var model = new Axon.Graph.Model(g) { IrVersion = 9, ProducerName = "axon-test" };
        model.OpsetImports[""] = 17;
        using var dir = new TempDir();
        Axon.Onnx.OnnxModel.Save(model, dir.File("mm.onnx"));
        var (code, stdout, stderr) = CliHarness.Run("inspect", dir.File("mm.onnx"));
        Assert.True(code == 0, stderr);
        Assert.Contains("flops:        24*batch FLOPs (symbolic) per inference", stdout);
        Assert.Contains("parameters:   12 in 1 initializer (48 B)", stdout);
        Assert.Contains("  x  float [batch,4]", stdout);
        Assert.Contains("producer:     axon-test", stdout);
        Assert.Contains("opsets:       ai.onnx 17", stdout);
    }
}
