namespace Axon.Graph.Reference.Ops;

/// <summary>
/// CausalConvWithState (opset 27): depthwise causal 1-D convolution over (B, C, L). The sequence is past_state (or k-1
/// zeros) followed by the input; out[t] = sum_j w[c, 0, j] * seq[t + j] + bias[c], optionally through SiLU ("silu" or
/// "swish"). present_state is the last k-1 positions of that sequence.
/// </summary>
[Op("CausalConvWithState")]
internal sealed class CausalConvWithState : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var wt = ctx.Input(1);
        var biasT = ctx.OptionalInput(2);
        var pastT = ctx.OptionalInput(3);
        string act = ctx.String("activation", "none");
        if (act is not ("none" or "silu" or "swish"))
        {
            throw ctx.Error($"activation must be none, silu or swish, got '{act}'");
        }
        if (xt.Rank != 3 || wt.Rank != 3)
        {
            throw ctx.Error("input must be (B, C, L) and weight (C, 1, k)");
        }
        int b = xt.Shape[0], c = xt.Shape[1], len = xt.Shape[2];
        int k = wt.Shape[2];
        if (wt.Shape[0] != c || wt.Shape[1] != 1 || k < 1)
        {
            throw ctx.Error($"weight must have shape [{c},1,k], got [{string.Join(",", wt.Shape)}]");
        }
        int carry = k - 1;
        if (pastT is not null && !pastT.Shape.AsSpan().SequenceEqual([b, c, carry]))
        {
            throw ctx.Error($"past_state must have shape [{b},{c},{carry}]");
        }
        var x = xt.ToDoubles();
        var w = wt.ToDoubles();
        var bias = biasT?.ToDoubles();
        var past = pastT?.ToDoubles();
        var y = new double[x.Length];
        var present = new double[b * c * carry];
        var seq = new double[carry + len];
        for (int bc = 0; bc < b * c; bc++)
        {
            int ch = bc % c;
            Array.Clear(seq);
            if (past is not null)
            {
                Array.Copy(past, bc * carry, seq, 0, carry);
            }
            Array.Copy(x, bc * len, seq, carry, len);
            for (int t = 0; t < len; t++)
            {
                double s = bias is null ? 0 : bias[ch];
                for (int j = 0; j < k; j++)
                {
                    s += w[ch * k + j] * seq[t + j];
                }
                y[bc * len + t] = act == "none" ? s : s / (1 + Math.Exp(-s));
            }
            Array.Copy(seq, len, present, bc * carry, carry);
        }
        return
        [
            Tensor.FromDoubles(xt.DType, y, xt.Shape),
            ctx.WantsOutput(1) ? Tensor.FromDoubles(xt.DType, present, b, c, carry) : null,
        ];
    }
}
