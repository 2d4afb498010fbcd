using System.Buffers;
using Axon.Kernels.Attention;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// axon:AttentionCore(qkv, mask?) on the tiled <see cref="FusedAttention"/>: Q, K and V are gathered head-major
/// ([B, H, S, D]) straight from the fused projection's [B, S, 3·H·D] output, and the heads merged back to [B, S, H·D].
/// The additive mask is used in place when it is one [S, S] for all heads, else broadcast to [B, H, S, S].
/// </summary>
[KernelFor("AttentionCore", Domain = "axon")]
internal sealed class AttentionCoreKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var x = r.InputShape(0);
        int heads = (int)r.Node.GetInt("num_heads", 0);
        string maskKind = r.Node.GetString("mask_kind", "none");
        if (!r.AllFloat32 || x is not { Length: 3 } || heads <= 0 || x[2] % (3 * heads) != 0 || maskKind is not ("none" or "additive"))
        {
            return null;
        }
        int b = x[0], s = x[1], d = x[2] / 3 / heads;
        int[]? mask = maskKind == "additive" && r.HasInput(1) ? r.InputShape(1) : null;
        if (maskKind == "additive" && r.HasInput(1) && (mask is null || mask.Length > 4 || !Fits(mask, [b, heads, s, s])))
        {
            return null;
        }
        float scale = r.Node.GetFloat("scale", float.NaN);
        return new Kernel(new AttentionShape(b, heads, heads, s, s, d, d), float.IsNaN(scale) ? (float)(1 / Math.Sqrt(d)) : scale, mask);
    }

    private static bool Fits(int[] from, int[] to)
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

    private sealed unsafe class Kernel(AttentionShape s, float scale, int[]? maskShape) : INodeKernel
    {
        public string Name => $"attention.core{(maskShape is null ? "" : ".mask")}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            int hd = s.Heads * s.HeadDim;
            long len = (long)s.Batch * s.SeqQ * hd;
            bool shared = maskShape is not null && maskShape[..^2].All(v => v == 1) && maskShape.Length >= 2 && maskShape[^2] == s.SeqQ && maskShape[^1] == s.SeqK;
            long maskLen = maskShape is null || shared ? 0 : (long)s.Batch * s.Heads * s.SeqQ * s.SeqK;
            var rent = ArrayPool<float>.Shared.Rent(checked((int)Math.Max(1, 4 * len + maskLen)));
            try
            {
                fixed (float* scratch = rent, px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pm = maskShape is null ? default : inputs[1]!.Span<float>())
                {
                    float* q = scratch, k = q + len, v = k + len, o = v + len, m = o + len;
                    Gather(px, q, 0, hd);
                    Gather(px, k, hd, hd);
                    Gather(px, v, 2 * hd, hd);
                    float* mask = null;
                    if (maskShape is not null)
                    {
                        if (shared)
                        {
                            mask = pm;
                        }
                        else
                        {
                            AttentionMask.Broadcast(pm, maskShape, m, [s.Batch, s.Heads, s.SeqQ, s.SeqK]);
                            mask = m;
                        }
                    }
                    FusedAttention.Run(s, q, k, v, o, scale, causal: false, mask, maskPerHead: mask is not null && !shared, pool);
                    for (int bi = 0; bi < s.Batch; bi++)
                    {
                        for (int h = 0; h < s.Heads; h++)
                        {
                            for (int t = 0; t < s.SeqQ; t++)
                            {
                                new ReadOnlySpan<float>(o + ((long)(bi * s.Heads + h) * s.SeqQ + t) * s.HeadDim, s.HeadDim)
                                    .CopyTo(new Span<float>(py + (long)(bi * s.SeqQ + t) * hd + h * s.HeadDim, s.HeadDim));
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rent);
            }
        }

        /// <summary>Columns [offset, offset + H·D) of [B, S, 3·H·D] → [B, H, S, D].</summary>
        private void Gather(float* x, float* dst, int offset, int hd)
        {
            for (int bi = 0; bi < s.Batch; bi++)
            {
                for (int t = 0; t < s.SeqQ; t++)
                {
                    float* row = x + (long)(bi * s.SeqQ + t) * 3 * hd + offset;
                    for (int h = 0; h < s.Heads; h++)
                    {
                        new ReadOnlySpan<float>(row + h * s.HeadDim, s.HeadDim)
                            .CopyTo(new Span<float>(dst + ((long)(bi * s.Heads + h) * s.SeqQ + t) * s.HeadDim, s.HeadDim));
                    }
                }
            }
        }
    }
}
