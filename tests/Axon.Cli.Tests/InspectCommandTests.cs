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
        Assert.Matches(@"\n  Add\s+1\r?\n", stdout);
        Assert.Contains("flops:        0 FLOPs", stdout);
    }

    [Theory]
    [InlineData("test_matmul_2d", "72 FLOPs")] // [3,4] x [4,3]: 2*3*3*4
    [InlineData("test_basic_conv_with_padding", "450 FLOPs")] // 5x5 outputs x 3x3 kernel x 2
    public void EstimatesFlopsFromStaticShapes(string test, string expected)
    {
        var (code, stdout, stderr) = CliHarness.Run("inspect", CliHarness.Model(test));
        Assert.True(code == 0, stderr);
        Assert.Contains("flops:        " + expected, stdout);
    }
}
