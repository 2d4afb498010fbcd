using System.Buffers;
using Axon.Kernels.Attention;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// axon:Attention(q_in, Wq, bq?, k_in, Wk, bk?, v_in, Wv, bv?, mask?) {num_heads, scale, mask_kind}: the projections on
/// the SGEMM (bias in the epilogue), then the tiled <see cref="FusedAttention"/> reading the heads in place through
/// strides and writing them merged into the output. Self-attention with constant weights (BERT-style encoders) packs
/// Wq|Wk|Wv side by side once, so the three projections are one GEMM of N = 3·H·D: A is packed once, the pool is
/// entered once, and the wider N keeps both cores busy on short sequences. The additive mask is read in place through
/// broadcast strides ([B, 1, 1, Sk] key-padding masks need no expansion).
/// </summary>
[KernelFor("Attention", Domain = "axon")]
internal sealed class AttentionKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var y = r.OutputShape(0);
        int heads = (int)r.Node.GetInt("num_heads", 0);
        string maskKind = r.Node.GetString("mask_kind", "none");
        if (!r.AllFloat32 || y is not { Length: 3 } || heads <= 0 || maskKind is not ("none" or "additive") || r.Node.Outputs.Count != 1)
        {
            return null;
        }
        var q = Projection.Of(r, 0, pack: false);
        var k = Projection.Of(r, 3, pack: false);
        var v = Projection.Of(r, 6, pack: false);
        if (q is null || k is null || v is null)
        {
            return null;
        }
        int b = q.Batch, sq = q.Seq, sk = k.Seq, hd = q.N;
        if (hd % heads != 0 || k.N != hd || v.N != hd || k.Batch != b || v.Batch != b || v.Seq != sk || !y.SequenceEqual([b, sq, hd]))
        {
            return null;
        }
        int d = hd / heads;
        float scale = r.Node.GetFloat("scale", float.NaN);
        if (float.IsNaN(scale))
        {
            scale = (float)(1 / Math.Sqrt(d));
        }
        int[]? maskShape = null;
        if (maskKind == "additive" && r.HasInput(9))
        {
            maskShape = r.InputShape(9);
            if (maskShape is null || maskShape.Length > 4 || !Broadcasts(maskShape, [b, heads, sq, sk]))
            {
                return null;
            }
        }
        var shape = new AttentionShape(b, heads, heads, sq, sk, d, d);
        if (FusedQkv.Of(r, q, k, v) is { } qkv)
        {
            return new Kernel(shape, scale, q, k, v, qkv, maskShape);
        }
        return new Kernel(shape, scale, Projection.Of(r, 0, pack: true)!, Projection.Of(r, 3, pack: true)!, Projection.Of(r, 6, pack: true)!, null, maskShape);
    }

    private static bool Broadcasts(int[] from, int[] to)
    {
        for (int i = 1; i <= from.Length; i++)
        {
            if (from[^i] != 1 && from[^i] != to[^i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>x·W + b for inputs [B, S, E] · [E, N] (+ [N]); <see cref="Packed"/> when W is constant.</summary>
    private sealed record Projection(int Input, int Batch, int Seq, int E, int N, PackedMatrix? Packed, bool Bias)
    {
        public static Projection? Of(KernelRequest r, int at, bool pack)
        {
            var x = r.InputShape(at);
            var w = r.InputShape(at + 1);
            if (x is not { Length: 3 } || w is not { Length: 2 } || x[2] != w[0] || r.HasInput(at + 2) && !FusedActivation.IsRowVector(r.InputShape(at + 2), w[1]))
            {
                return null;
            }
            var packed = pack && r.Constants[at + 1] is { } c ? PackedMatrix.PackB(c.Span<float>(), w[0], w[1]) : null;
            return new Projection(at, x[0], x[1], x[2], w[1], packed, r.HasInput(at + 2));
        }

        /// <summary>Writes the projection as [B·S, N] rows of stride <paramref name="ldc"/>.</summary>
        public unsafe void Run(ReadOnlySpan<Tensor?> inputs, float* dst, int ldc, WorkerPool pool)
        {
            int rows = Batch * Seq;
            fixed (float* px = inputs[Input]!.Span<float>(), pw = inputs[Input + 1]!.Span<float>(), pb = Bias ? inputs[Input + 2]!.Span<float>() : default)
            {
                var ep = new GemmEpilogue { BiasN = Bias ? pb : null };
                if (Packed is not null)
                {
                    Sgemm.Multiply(rows, N, E, 1f, px, E, false, Packed, 0f, dst, ldc, ep, pool);
                }
                else
                {
                    Sgemm.Multiply(rows, N, E, 1f, px, E, false, pw, N, false, 0f, dst, ldc, ep, pool);
                }
            }
        }
    }

    /// <summary>Wq|Wk|Wv packed side by side ([E, 3·N]) with their biases, when Q, K and V project one input through constants.</summary>
    private sealed unsafe class FusedQkv(int input, int rows, int e, int n, PackedMatrix packed, float[]? bias)
    {
        public int N => n;

        public static FusedQkv? Of(KernelRequest r, Projection q, Projection k, Projection v)
        {
            string x = r.Node.Inputs[q.Input];
            if (r.Node.Inputs[k.Input] != x || r.Node.Inputs[v.Input] != x || r.Constants[q.Input + 1] is null || r.Constants[k.Input + 1] is null
                || r.Constants[v.Input + 1] is null)
            {
                return null;
            }
            Projection[] all = [q, k, v];
            if (all.Any(p => p.Bias && r.Constants[p.Input + 2] is null))
            {
                return null;
            }
            int e = q.E, n = q.N;
            var w = new float[(long)e * 3 * n];
            float[]? bias = all.Any(p => p.Bias) ? GC.AllocateArray<float>(3 * n, pinned: true) : null;
            for (int p = 0; p < 3; p++)
            {
                var src = r.Constants[all[p].Input + 1]!.Span<float>();
                for (int row = 0; row < e; row++)
                {
                    src.Slice(row * n, n).CopyTo(w.AsSpan(row * 3 * n + p * n, n));
                }
                if (bias is not null && all[p].Bias)
                {
                    r.Constants[all[p].Input + 2]!.Span<float>()[..n].CopyTo(bias.AsSpan(p * n, n));
                }
            }
            return new FusedQkv(q.Input, q.Batch * q.Seq, e, 3 * n, PackedMatrix.PackB(w, e, 3 * n), bias);
        }

        public void Run(ReadOnlySpan<Tensor?> inputs, float* dst, WorkerPool pool)
        {
            fixed (float* px = inputs[input]!.Span<float>(), pb = bias)
            {
                var ep = new GemmEpilogue { BiasN = pb };
                Sgemm.Multiply(rows, n, e, 1f, px, e, false, packed, 0f, dst, n, ep, pool);
            }
        }
    }

    private sealed unsafe class Kernel(AttentionShape s, float scale, Projection q, Projection k, Projection v, FusedQkv? qkv, int[]? maskShape) : INodeKernel
    {
        public string Name => $"attention.fused.{Sgemm.Tier}{(qkv is null ? "" : ".qkv")}{(maskShape is null ? "" : ".mask")}".ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            int hd = s.Heads * s.HeadDim;
            long qLen = (long)s.Batch * s.SeqQ * hd, kLen = (long)s.Batch * s.SeqK * hd;
            long maskLen = maskShape is not null && AttentionMask.NeedsExpansion(maskShape, s.SeqK) ? (long)s.Batch * s.Heads * s.SeqQ * s.SeqK : 0;
            // Scratch: the projections ([B·S, 3·H·D] when fused, else Q, K and V each [B·S, H·D]) and an expanded mask.
            long total = (qkv is not null ? 3 * qLen : qLen + 2 * kLen) + maskLen;
            var rent = ArrayPool<float>.Shared.Rent(checked((int)Math.Max(total, 1)));
            try
            {
                fixed (float* scratch = rent, py = outputs[0].Span<float>(), pm = maskShape is null ? default : inputs[9]!.Span<float>())
                {
                    AttentionOperand qo, ko, vo;
                    float* mask;
                    if (qkv is not null)
                    {
                        qkv.Run(inputs, scratch, pool);
                        qo = AttentionOperand.TokenMajor(scratch, s.SeqQ, s.HeadDim, 3 * hd);
                        ko = AttentionOperand.TokenMajor(scratch + hd, s.SeqK, s.HeadDim, 3 * hd);
                        vo = AttentionOperand.TokenMajor(scratch + 2 * hd, s.SeqK, s.ValueDim, 3 * hd);
                        mask = scratch + 3 * qLen;
                    }
                    else
                    {
                        float* kp = scratch + qLen, vp = kp + kLen;
                        q.Run(inputs, scratch, hd, pool);
                        k.Run(inputs, kp, hd, pool);
                        v.Run(inputs, vp, hd, pool);
                        qo = AttentionOperand.TokenMajor(scratch, s.SeqQ, s.HeadDim, hd);
                        ko = AttentionOperand.TokenMajor(kp, s.SeqK, s.HeadDim, hd);
                        vo = AttentionOperand.TokenMajor(vp, s.SeqK, s.ValueDim, hd);
                        mask = vp + kLen;
                    }
                    var m = AttentionOperand.None;
                    if (maskShape is not null)
                    {
                        if (AttentionMask.InPlace(pm, maskShape, s.SeqK) is { } direct)
                        {
                            m = direct;
                        }
                        else
                        {
                            AttentionMask.Broadcast(pm, maskShape, mask, [s.Batch, s.Heads, s.SeqQ, s.SeqK]);
                            m = AttentionOperand.HeadMajor(mask, s.Heads, s.SeqQ, s.SeqK);
                        }
                    }
                    FusedAttention.Run(s, qo, ko, vo, AttentionOperand.TokenMajor(py, s.SeqQ, s.ValueDim, hd), scale, causal: false, m, pool);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rent);
            }
        }
    }
}
