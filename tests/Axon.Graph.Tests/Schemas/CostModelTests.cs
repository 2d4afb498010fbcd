using Axon.Graph.Analysis;
using Axon.Graph.Text;

namespace Axon.Graph.Tests.Schemas;

public sealed class CostModelTests
{
    [Fact]
    public void MatMulAndElementwiseCostsAreSymbolic()
    {
        var m = IrParser.ParseModel("""
            graph g(%x: f32[batch,seq,384]) -> (%y: ?) {
              %w = const f32[384,384]
              %h = MatMul(%x, %w)
              %y = Relu(%h)
            }
            """);
        var r = CostModel.Estimate(m);
        Assert.Equal("294912*batch*seq", r.Nodes[0].Flops.ToString());
        Assert.Equal("384*batch*seq", r.Nodes[1].Flops.ToString());
        Assert.Equal("295296*batch*seq", r.Flops.ToString());
        // MatMul reads x (4*384*b*s bytes) and w (4*384*384), writes h (4*384*b*s).
        Assert.Equal("1536*batch*seq + 589824", r.Nodes[0].BytesRead.ToString());
        Assert.Equal(295296.0 * 2 * 8, r.Evaluate(new Dictionary<string, long> { ["batch"] = 2, ["seq"] = 8 }).Flops);
        Assert.Equal(384 * 384 * 4, r.WeightBytes);
    }

    [Fact]
    public void ConvCostCountsMultiplyAdds()
    {
        var m = IrParser.ParseModel("""
            graph g(%x: f32[1,3,8,8]) -> (%y: ?) {
              %w = const f32[4,3,3,3]
              %b = const f32[4]
              %y = Conv(%x, %w, %b) {pads=[1,1,1,1]}
            }
            """);
        var c = CostModel.Estimate(m);
        // 4*8*8 outputs, each 3*3*3 multiply-adds (2 FLOPs) plus a bias add.
        Assert.Equal(256 * 27 * 2 + 256, c.Flops.ConstValue);
    }
}
