namespace Axon.Graph.Reference.Ops;

/// <summary>
/// LinearAttention (opset 27): the recurrent form, one token at a time, per KV head state S (d_k x d_v):
/// linear S += k v^T; gated S = exp(g) S + k v^T; delta S += beta k (v - S^T k)^T; gated_delta decays first, then the
/// delta update. o_t = scale * q_t^T S_t. Query head h reads KV head h / (q_num_heads / kv_num_heads). Decay is per key
/// dimension (H_kv * d_k) or per head (H_kv); beta is per head (H_kv) or shared (1).
/// </summary>
[Op("LinearAttention")]
internal sealed class LinearAttention : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var qt = ctx.Input(0);
        var kt = ctx.Input(1);
        var vt = ctx.Input(2);
        var pastT = ctx.OptionalInput(3);
        var decayT = ctx.OptionalInput(4);
        var betaT = ctx.OptionalInput(5);
        string rule = ctx.String("update_rule", "gated_delta");
        bool gated = rule is "gated" or "gated_delta";
        bool delta = rule is "delta" or "gated_delta";
        if (rule is not ("linear" or "gated" or "delta" or "gated_delta"))
        {
            throw ctx.Error($"unknown update_rule '{rule}'");
        }
        int hq = (int)ctx.Int("q_num_heads", 0), hkv = (int)ctx.Int("kv_num_heads", 0);
        if (qt.Rank != 3 || kt.Rank != 3 || vt.Rank != 3)
        {
            throw ctx.Error("query, key and value must be 3-D (B, T, H*D)");
        }
        if (hq <= 0 || hkv <= 0 || hq % hkv != 0 || qt.Shape[2] % hq != 0 || kt.Shape[2] % hkv != 0 || vt.Shape[2] % hkv != 0)
        {
            throw ctx.Error($"q_num_heads {hq} must be a positive multiple of kv_num_heads {hkv}, and both must divide the hidden sizes");
        }
        if ((gated && decayT is null) || (delta && betaT is null))
        {
            throw ctx.Error($"update_rule '{rule}' needs {(gated ? "decay" : "")}{(gated && delta ? " and " : "")}{(delta ? "beta" : "")}");
        }
        int b = qt.Shape[0], t = qt.Shape[1];
        int dk = qt.Shape[2] / hq, dv = vt.Shape[2] / hkv;
        int group = hq / hkv;
        double scale = ctx.Float("scale", 0);
        scale = scale == 0 ? 1 / Math.Sqrt(dk) : scale;
        var q = qt.ToDoubles();
        var k = kt.ToDoubles();
        var v = vt.ToDoubles();
        var state = pastT?.ToDoubles() ?? new double[b * hkv * dk * dv];
        if (state.Length != b * hkv * dk * dv)
        {
            throw ctx.Error($"past_state must have shape [{b},{hkv},{dk},{dv}]");
        }
        var decay = decayT?.ToDoubles();
        bool decayPerDim = decayT is not null && decayT.Shape[2] == hkv * dk;
        var beta = betaT?.ToDoubles();
        int betaWidth = betaT?.Shape[2] ?? 1;
        var y = new double[b * t * hq * dv];
        var kvDelta = new double[dv];
        for (int bi = 0; bi < b; bi++)
        {
            for (int ti = 0; ti < t; ti++)
            {
                int tok = bi * t + ti;
                for (int h = 0; h < hkv; h++)
                {
                    int sBase = (bi * hkv + h) * dk * dv;
                    int kBase = tok * hkv * dk + h * dk;
                    int vBase = tok * hkv * dv + h * dv;
                    if (gated)
                    {
                        for (int i = 0; i < dk; i++)
                        {
                            double g = Math.Exp(decayPerDim ? decay![tok * hkv * dk + h * dk + i] : decay![tok * hkv + h]);
                            for (int j = 0; j < dv; j++)
                            {
                                state[sBase + i * dv + j] *= g;
                            }
                        }
                    }
                    if (delta)
                    {
                        // The update is beta * k (v - S^T k)^T with S already decayed.
                        double bt = beta![tok * betaWidth + (betaWidth == 1 ? 0 : h)];
                        for (int j = 0; j < dv; j++)
                        {
                            double sk = 0;
                            for (int i = 0; i < dk; i++)
                            {
                                sk += state[sBase + i * dv + j] * k[kBase + i];
                            }
                            kvDelta[j] = bt * (v[vBase + j] - sk);
                        }
                    }
                    else
                    {
                        Array.Copy(v, vBase, kvDelta, 0, dv);
                    }
                    for (int i = 0; i < dk; i++)
                    {
                        for (int j = 0; j < dv; j++)
                        {
                            state[sBase + i * dv + j] += k[kBase + i] * kvDelta[j];
                        }
                    }
                    for (int g2 = 0; g2 < group; g2++)
                    {
                        int hqi = h * group + g2;
                        int qBase = tok * hq * dk + hqi * dk;
                        for (int j = 0; j < dv; j++)
                        {
                            double acc = 0;
                            for (int i = 0; i < dk; i++)
                            {
                                acc += q[qBase + i] * state[sBase + i * dv + j];
                            }
                            y[tok * hq * dv + hqi * dv + j] = scale * acc;
                        }
                    }
                }
            }
        }
        var stateType = pastT?.DType ?? qt.DType;
        return
        [
            Tensor.FromDoubles(qt.DType, y, b, t, hq * dv),
            ctx.WantsOutput(1) ? Tensor.FromDoubles(stateType, state, b, hkv, dk, dv) : null,
        ];
    }
}
