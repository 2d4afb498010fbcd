using Axon.Graph.Analysis;
using Axon.Graph.Builder;

namespace Axon.Graph.Tests.Schemas;

/// <summary>A self-attention block as MatMul/Reshape/Transpose/Softmax chains keeps batch and seq symbolic throughout.</summary>
public sealed class AttentionChainTests
{
    private static Model Block(int hidden = 64, int heads = 4)
    {
        var b = new GraphBuilder("attn");
        var x = b.Input("x", DType.Float32, "batch", "seq", hidden);
        Value Heads(Value v) => b.Transpose(b.Reshape(v, 0, 0, heads, hidden / heads), 0, 2, 1, 3);
        var q = Heads(b.MatMul(x, b.RandomWeight("wq", [hidden, hidden], 1)));
        var k = Heads(b.MatMul(x, b.RandomWeight("wk", [hidden, hidden], 1)));
        var v = Heads(b.MatMul(x, b.RandomWeight("wv", [hidden, hidden], 1)));
        var scores = b.MatMul(q, b.Transpose(k, 0, 1, 3, 2));
        var ctx = b.MatMul(b.Softmax(scores), v);
        var merged = b.Reshape(b.Transpose(ctx, 0, 2, 1, 3), 0, 0, hidden);
        b.Output(b.MatMul(merged, b.RandomWeight("wo", [hidden, hidden], 1)), "y");
        return b.Build();
    }

    [Fact]
    public void ShapesStaySymbolic()
    {
        var m = Block();
        var r = ShapeInference.Infer(m);
        Assert.Empty(r.Problems);
        Assert.Equal("f32[batch,seq,64]", r.TypeOf("y").ToString());
        var scores = m.Graph.Nodes.First(n => n.OpType == "Softmax").Inputs[0];
        Assert.Equal("f32[batch,4,seq,seq]", r.TypeOf(scores).ToString());
    }

    [Fact]
    public void CostIsQuadraticInSeq()
    {
        var c = CostModel.Estimate(Block());
        // Per token: 4 projections of 2*64*64. Per (token, token) pair: QK^T and PV at 2*16 per head (4 heads) each,
        // softmax at 5 per score and head: 128 + 128 + 20 = 276.
        Assert.Equal("276*batch*seq*seq + 32768*batch*seq", c.Flops.ToString());
        var one = c.Evaluate(new Dictionary<string, long> { ["batch"] = 1, ["seq"] = 10 }).Flops;
        Assert.Equal(276.0 * 100 + 32768 * 10, one);
    }
}
