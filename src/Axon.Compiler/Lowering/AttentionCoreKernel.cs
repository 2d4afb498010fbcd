using System.Buffers;
using Axon.Kernels.Attention;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// axon:AttentionCore(qkv, mask?) on the tiled <see cref="FusedAttention"/>: Q, K and V are read
/// in place from the fused projection's [B, S, 3·H·D] output through strides, and the heads written merged into [B, S, H·D].
/// The additive mask is read in place through broadcast strides (expanded only when its key axis itself broadcasts).
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
            fixed (float* px = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), pm = maskShape is null ? default : inputs[1]!.Span<float>())
            {
                // Q, K and V are read in place from the [B, S, 3·H·D] projection and the heads written merged into [B, S, H·D].
                var q = AttentionOperand.TokenMajor(px, s.SeqQ, s.HeadDim, 3 * hd);
                var k = AttentionOperand.TokenMajor(px + hd, s.SeqK, s.HeadDim, 3 * hd);
                var v = AttentionOperand.TokenMajor(px + 2 * hd, s.SeqK, s.ValueDim, 3 * hd);
                var o = AttentionOperand.TokenMajor(py, s.SeqQ, s.ValueDim, hd);
                if (maskShape is null)
                {
                    FusedAttention.Run(s, q, k, v, o, scale, causal: false, AttentionOperand.None, pool);
                    return;
                }
                if (AttentionMask.InPlace(pm, maskShape, s.SeqK) is { } inPlace)
                {
                    FusedAttention.Run(s, q, k, v, o, scale, causal: false, inPlace, pool);
                    return;
                }
                long maskLen = (long)s.Batch * s.Heads * s.SeqQ * s.SeqK;
                var rent = ArrayPool<float>.Shared.Rent(checked((int)Math.Max(1, maskLen)));
                try
                {
                    fixed (float* m = rent)
                    {
                        AttentionMask.Broadcast(pm, maskShape, m, [s.Batch, s.Heads, s.SeqQ, s.SeqK]);
                        FusedAttention.Run(s, q, k, v, o, scale, causal: false, AttentionOperand.HeadMajor(m, s.Heads, s.SeqQ, s.SeqK), pool);
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(rent);
                }
            }
        }
    }
}
