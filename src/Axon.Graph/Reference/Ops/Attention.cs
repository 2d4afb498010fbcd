namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Attention (opset 23+): softmax(softcap(Q K^T * scale) + bias) V per head, with 3-D (B, S, heads*size) or 4-D
/// (B, heads, S, size) inputs, GQA/MQA (query head h reads kv head h / (qh/kvh)), past/present key/value concatenation,
/// bool or additive masks (a short last mask axis is padded with -inf), offset-aware causal masking, nonpad_kv_seqlen
/// (opset 24+), and the qk_matmul_output debug output. Fully masked query rows give zero rows, not NaN.
/// </summary>
[Op("Attention")]
internal sealed class Attention : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var qt = ctx.Input(0);
        var kt = ctx.Input(1);
        var vt = ctx.Input(2);
        var maskT = ctx.OptionalInput(3);
        var pastK = ctx.OptionalInput(4);
        var pastV = ctx.OptionalInput(5);
        var nonpad = ctx.OptionalInput(6)?.ToInt64s();
        if ((pastK is null) != (pastV is null))
        {
            throw ctx.Error("past_key and past_value must be given together");
        }
        bool threeD = qt.Rank == 3;
        var q = Heads(ctx, qt, "q_num_heads");
        var k = Heads(ctx, kt, "kv_num_heads");
        var v = Heads(ctx, vt, "kv_num_heads");
        int b = q.B, qh = q.H, sq = q.S, hs = q.D;
        int kvh = k.H, vd = v.D;
        if (k.B != b || v.B != b || v.H != kvh || k.S != v.S || k.D != hs)
        {
            throw ctx.Error($"Q, K, V shapes do not agree: Q {Shape(qt)}, K {Shape(kt)}, V {Shape(vt)}");
        }
        if (kvh == 0 || qh % kvh != 0)
        {
            throw ctx.Error($"q_num_heads {qh} must be a multiple of kv_num_heads {kvh}");
        }
        int past = pastK?.Shape[2] ?? 0;
        var keys = pastK is null ? k : Concat(ctx, new Heads4(pastK.ToDoubles(), pastK.Shape), k);
        var values = pastV is null ? v : Concat(ctx, new Heads4(pastV.ToDoubles(), pastV.Shape), v);
        int t = keys.S;
        int group = qh / kvh;

        double scale = ctx.Node.HasAttr("scale") ? ctx.Float("scale", 0) : 1 / Math.Sqrt(hs);
        double softcap = ctx.Float("softcap", 0);
        bool causal = ctx.Int("is_causal", 0) != 0;
        long mode = ctx.Int("qk_matmul_output_mode", 0);
        long leftWin = ctx.Int("left_window_size", -1);
        long rightWin = ctx.Int("right_window_size", -1);
        var bias = Bias(ctx, maskT, b, qh, sq, t);

        var y = new double[b * qh * sq * vd];
        var qk = new double[b * qh * sq * t];
        var row = new double[t];
        for (int bi = 0; bi < b; bi++)
        {
            // Keys at or past nonpad_kv_seqlen are padding; the causal offset counts the valid keys before the query block.
            long valid = nonpad is null ? t : nonpad[bi];
            long offset = pastK is not null ? past : nonpad is not null ? valid - sq : 0;
            for (int h = 0; h < qh; h++)
            {
                int kh = h / group;
                for (int i = 0; i < sq; i++)
                {
                    int qkBase = ((bi * qh + h) * sq + i) * t;
                    for (int j = 0; j < t; j++)
                    {
                        double s = 0;
                        for (int d = 0; d < hs; d++)
                        {
                            s += q.At(bi, h, i, d) * keys.At(bi, kh, j, d);
                        }
                        s *= scale;
                        if (mode == 0)
                        {
                            qk[qkBase + j] = s;
                        }
                        if (softcap > 0)
                        {
                            s = softcap * Math.Tanh(s / softcap);
                        }
                        if (mode == 1)
                        {
                            qk[qkBase + j] = s;
                        }
                        long p = offset + i;
                        bool allowed = j < valid && (!causal || j <= p)
                            && (leftWin < 0 || j >= p - leftWin) && (rightWin < 0 || j <= p + rightWin);
                        s = allowed ? s + (bias is null ? 0 : bias[qkBase + j]) : double.NegativeInfinity;
                        if (mode == 2)
                        {
                            qk[qkBase + j] = s;
                        }
                        row[j] = s;
                    }
                    SoftmaxOrZero(row);
                    if (mode == 3)
                    {
                        Array.Copy(row, 0, qk, qkBase, t);
                    }
                    for (int e = 0; e < vd; e++)
                    {
                        double acc = 0;
                        for (int j = 0; j < t; j++)
                        {
                            acc += row[j] * values.At(bi, kh, j, e);
                        }
                        y[((bi * qh + h) * sq + i) * vd + e] = acc;
                    }
                }
            }
        }

        Tensor yt;
        if (threeD)
        {
            // (B, H, S, D) back to (B, S, H*D).
            var y3 = new double[y.Length];
            for (int bi = 0; bi < b; bi++)
            {
                for (int h = 0; h < qh; h++)
                {
                    for (int i = 0; i < sq; i++)
                    {
                        Array.Copy(y, ((bi * qh + h) * sq + i) * vd, y3, (bi * sq + i) * qh * vd + h * vd, vd);
                    }
                }
            }
            yt = Tensor.FromDoubles(qt.DType, y3, b, sq, qh * vd);
        }
        else
        {
            yt = Tensor.FromDoubles(qt.DType, y, b, qh, sq, vd);
        }
        return
        [
            yt,
            ctx.WantsOutput(1) ? Tensor.FromDoubles(kt.DType, keys.Data, b, kvh, t, hs) : null,
            ctx.WantsOutput(2) ? Tensor.FromDoubles(vt.DType, values.Data, b, kvh, t, vd) : null,
            ctx.WantsOutput(3) ? Tensor.FromDoubles(qt.DType, qk, b, qh, sq, t) : null,
        ];
    }

    /// <summary>Softmax of a row in place; a row with no finite score (every key masked) becomes all zeros.</summary>
    private static void SoftmaxOrZero(double[] row)
    {
        double max = double.NegativeInfinity;
        foreach (double s in row)
        {
            max = Math.Max(max, s);
        }
        if (double.IsNegativeInfinity(max))
        {
            Array.Clear(row);
            return;
        }
        Softmax.InPlace(row);
    }

    /// <summary>
    /// The additive mask as a dense (B, qh, Sq, T) array, or null without a mask: bool masks give 0 / -inf, numeric masks
    /// are added as they are, and a last axis shorter than T (even of length 1) is padded with -inf, as the spec says.
    /// </summary>
    private static double[]? Bias(OpContext ctx, Tensor? mask, int b, int qh, int sq, int t)
    {
        if (mask is null)
        {
            return null;
        }
        var m = mask.ToDoubles();
        var ms = mask.Shape;
        if (ms.Length == 0)
        {
            ms = [1];
        }
        int last = ms[^1];
        if (last > t)
        {
            throw ctx.Error($"attn_mask's last axis ({last}) is longer than the total sequence length {t}");
        }
        bool isBool = mask.DType == DType.Bool;
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = isBool ? (m[i] != 0 ? 0 : double.NegativeInfinity) : m[i];
        }
        if (last < t)
        {
            int rows = m.Length / last;
            var padded = new double[rows * t];
            Array.Fill(padded, double.NegativeInfinity);
            for (int r = 0; r < rows; r++)
            {
                Array.Copy(m, r * last, padded, r * t, last);
            }
            m = padded;
            ms = [.. ms[..^1], t];
        }
        int[] full = [b, qh, sq, t];
        int[] shape;
        try
        {
            shape = Broadcast.Shape(ms, full);
        }
        catch (AxonModelException e)
        {
            throw ctx.Error($"attn_mask: {e.Message}");
        }
        if (!shape.AsSpan().SequenceEqual(full))
        {
            throw ctx.Error($"attn_mask of shape [{string.Join(",", mask.Shape)}] does not broadcast to [{string.Join(",", full)}]");
        }
        var map = Broadcast.IndexMap(ms, full);
        var r2 = new double[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            r2[i] = m[map[i]];
        }
        return r2;
    }

    /// <summary>Reads Q/K/V as (B, heads, S, D): 4-D as is, 3-D (B, S, heads*D) split by the named heads attribute.</summary>
    private static Heads4 Heads(OpContext ctx, Tensor x, string headsAttr)
    {
        var d = x.ToDoubles();
        if (x.Rank == 4)
        {
            return new Heads4(d, x.Shape);
        }
        if (x.Rank != 3)
        {
            throw ctx.Error($"attention inputs must be 3-D or 4-D, got {Shape(x)}");
        }
        long heads = ctx.Int(headsAttr, 0);
        int bsz = x.Shape[0], s = x.Shape[1], hidden = x.Shape[2];
        if (heads <= 0 || hidden % heads != 0)
        {
            throw ctx.Error($"3-D inputs need {headsAttr} dividing the hidden size {hidden}, got {heads}");
        }
        int h = (int)heads, dim = hidden / h;
        var r = new double[d.Length];
        for (int bi = 0; bi < bsz; bi++)
        {
            for (int si = 0; si < s; si++)
            {
                for (int hi = 0; hi < h; hi++)
                {
                    Array.Copy(d, (bi * s + si) * hidden + hi * dim, r, ((bi * h + hi) * s + si) * dim, dim);
                }
            }
        }
        return new Heads4(r, [bsz, h, s, dim]);
    }

    /// <summary>past ++ current along the sequence axis (the present key/value).</summary>
    private static Heads4 Concat(OpContext ctx, Heads4 past, Heads4 cur)
    {
        if (past.B != cur.B || past.H != cur.H || past.D != cur.D)
        {
            throw ctx.Error($"past state [{past.B},{past.H},{past.S},{past.D}] does not match the current [{cur.B},{cur.H},{cur.S},{cur.D}]");
        }
        int s = past.S + cur.S;
        var r = new double[past.B * past.H * s * past.D];
        for (int bh = 0; bh < past.B * past.H; bh++)
        {
            Array.Copy(past.Data, bh * past.S * past.D, r, bh * s * past.D, past.S * past.D);
            Array.Copy(cur.Data, bh * cur.S * cur.D, r, (bh * s + past.S) * past.D, cur.S * cur.D);
        }
        return new Heads4(r, [past.B, past.H, s, past.D]);
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.Shape) + "]";

    private readonly struct Heads4
    {
        public Heads4(double[] data, int[] shape)
        {
            Data = data;
            B = shape[0];
            H = shape[1];
            S = shape[2];
            D = shape[3];
        }

        public double[] Data { get; }
        public int B { get; }
        public int H { get; }
        public int S { get; }
        public int D { get; }

        public double At(int b, int h, int s, int d) => Data[((b * H + h) * S + s) * D + d];
    }
}
