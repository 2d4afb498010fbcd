using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training;

/// <summary>
/// Self-attention over [batch, seq, embed] written as standard ops (so autograd differentiates it op by op):
/// Q, K, V projections, split into heads, softmax(Q·Kᵀ/√d [+ causal mask])·V, merge heads, output projection.
/// </summary>
public sealed class MultiHeadAttention : Module
{
    private readonly int _embed;
    private readonly int _heads;
    private readonly bool _causal;
    private readonly Linear _q, _k, _v, _o;

    public MultiHeadAttention(int embed, int heads, bool causal = false)
    {
        if (embed % heads != 0)
        {
            throw new ArgumentException($"embed {embed} is not a multiple of heads {heads}");
        }
        _embed = embed;
        _heads = heads;
        _causal = causal;
        _q = new Linear(embed, embed) { Name = "q" };
        _k = new Linear(embed, embed) { Name = "k" };
        _v = new Linear(embed, embed) { Name = "v" };
        _o = new Linear(embed, embed) { Name = "out" };
    }

    public override IEnumerable<Module> Children => [_q, _k, _v, _o];

    public override Value Forward(ForwardContext ctx, Value x)
    {
        var b = ctx.Builder;
        int d = _embed / _heads;
        Value Split(Value t) => b.Transpose(b.Node("Reshape", [t, ctx.Ints("heads_shape", 0, 0, _heads, d)]), 0, 2, 1, 3);
        var q = Split(ctx.Run(_q, x));
        var k = Split(ctx.Run(_k, x));
        var v = Split(ctx.Run(_v, x));
        var scores = b.Mul(b.MatMul(q, b.Transpose(k, 0, 1, 3, 2)), ctx.Scalar("attn_scale", (float)(1 / Math.Sqrt(d))));
        if (_causal)
        {
            var seq = ctx.Shape(x)[1];
            if (!seq.IsKnown)
            {
                throw new AxonModelException("a causal MultiHeadAttention needs a static sequence length", "AXG011");
            }
            int s = (int)seq.Value;
            var mask = new float[s * s];
            for (int i = 0; i < s; i++)
            {
                for (int j = i + 1; j < s; j++)
                {
                    mask[i * s + j] = -1e9f;
                }
            }
            scores = b.Add(scores, ctx.Const("causal_mask", Tensor.FromArray(mask, s, s)));
        }
        var attn = b.MatMul(b.Softmax(scores, -1), v);
        var merged = b.Node("Reshape", [b.Transpose(attn, 0, 2, 1, 3), ctx.Ints("merge_shape", 0, 0, _embed)]);
        return ctx.Run(_o, merged);
    }
}
