using System.Buffers;
using Axon.Graph;
using Axon.Kernels.Attention;
using Axon.Kernels.Elementwise;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// The activation of a fused epilogue (attributes <c>activation</c>, <c>activation_alpha</c>, <c>activation_beta</c> of
/// axon:FusedConv/FusedMatMul/FusedGemm) mapped onto <see cref="GemmEpilogue"/>. NaN alpha/beta mean the defaults the
/// reference uses: LeakyRelu's 0.01 slope, Clip unbounded on that side.
/// </summary>
internal readonly record struct FusedActivation(Activation Activation, float Alpha, float Beta)
{
    public static FusedActivation None => new(Activation.None, 0, 0);

    /// <summary>The node's activation, or null when the name is not one the epilogue implements.</summary>
    public static FusedActivation? Of(Node n)
    {
        float alpha = n.GetFloat("activation_alpha", float.NaN);
        float beta = n.GetFloat("activation_beta", float.NaN);
        return n.GetString("activation", "") switch
        {
            "" => None,
            "Relu" => new(Activation.Relu, 0, 0),
            "Sigmoid" => new(Activation.Sigmoid, 0, 0),
            "Tanh" => new(Activation.Tanh, 0, 0),
            "Gelu" => new(Activation.Gelu, 0, 0),
            "GeluTanh" => new(Activation.GeluTanh, 0, 0),
            "Silu" => new(Activation.Silu, 0, 0),
            "LeakyRelu" => new(Activation.LeakyRelu, float.IsNaN(alpha) ? 0.01f : alpha, 0),
            "Clip" => new(Activation.Clip, float.IsNaN(alpha) ? float.NegativeInfinity : alpha, float.IsNaN(beta) ? float.PositiveInfinity : beta),
            _ => null,
        };
    }

    /// <summary>Kernel-name suffix, e.g. <c>.relu</c>; empty without an activation.</summary>
    public string Suffix => Activation == Activation.None ? "" : "." + Activation.ToString().ToLowerInvariant();

    /// <summary>An epilogue with this activation and a residual row stride of <paramref name="residualStride"/>.</summary>
    public GemmEpilogue Epilogue(int residualStride) =>
        new() { Activation = Activation, ActAlpha = Alpha, ActBeta = Beta, ResidualStride = residualStride };

    /// <summary>True when a residual of shape <paramref name="z"/> covers the output <paramref name="y"/> element for element (leading 1s aside).</summary>
    public static bool IsFullResidual(int[]? z, int[]? y) =>
        z is not null && y is not null && z.SkipWhile(d => d == 1).SequenceEqual(y.SkipWhile(d => d == 1))
        && z.Aggregate(1L, (p, v) => p * v) == y.Aggregate(1L, (p, v) => p * v);

    /// <summary>A vector of <paramref name="n"/> elements over the last axis: [n] or [1, ..., 1, n].</summary>
    public static bool IsRowVector(int[]? b, int n) => b is { Length: > 0 } && b[^1] == n && b[..^1].All(d => d == 1);
}

/// <summary>axon:FusedConv(X, W, B?, Z?): the Conv kernel with residual and activation in its epilogue.</summary>
[KernelFor("FusedConv", Domain = "axon")]
internal sealed class FusedConvKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        FusedActivation.Of(r.Node) is { } act ? ConvKernelProvider.Create(r, act, r.HasInput(3)) : null;
}

/// <summary>axon:FusedGemm(A, B, C?, Z?): the Gemm kernel with residual and activation in its epilogue.</summary>
[KernelFor("FusedGemm", Domain = "axon")]
internal sealed class FusedGemmKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        FusedActivation.Of(r.Node) is { } act ? GemmKernelProvider.Create(r, act, r.HasInput(3)) : null;
}

/// <summary>
/// axon:FusedMatMul(A, B, bias?, Z?) on the packed SGEMM: act(A·B + bias + Z) with bias over the last axis ([N]) and Z of
/// the output's shape. A 2-D B (constant: packed once) folds A's batch dims into M; equal batch dims loop per matrix.
/// </summary>
[KernelFor("FusedMatMul", Domain = "axon")]
internal sealed class FusedMatMulKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var a = r.InputShape(0);
        var b = r.InputShape(1);
        var y = r.OutputShape(0);
        if (!r.AllFloat32 || FusedActivation.Of(r.Node) is not { } act || a is null || b is null || y is null || a.Length < 2 || b.Length < 2)
        {
            return null;
        }
        int m = a[^2], k = a[^1], n = b[^1];
        if (b[^2] != k)
        {
            return null;
        }
        bool hasBias = r.HasInput(2), hasResidual = r.HasInput(3);
        if (hasBias && !FusedActivation.IsRowVector(r.InputShape(2), n) || hasResidual && !FusedActivation.IsFullResidual(r.InputShape(3), y))
        {
            return null;
        }
        if (b.Length == 2)
        {
            int rows = a[..^1].Aggregate(1, (p, v) => p * v);
            if (y.Aggregate(1L, (p, v) => p * v) != (long)rows * n)
            {
                return null;
            }
            var packed = r.Constants[1] is { } w ? PackedMatrix.PackB(w.Span<float>(), k, n) : null;
            return new Kernel(1, rows, n, k, packed, hasBias, hasResidual, act);
        }
        if (b.Length != a.Length || !a[..^2].AsSpan().SequenceEqual(b[..^2]))
        {
            return null;
        }
        int batch = a[..^2].Aggregate(1, (p, v) => p * v);
        return new Kernel(batch, m, n, k, null, hasBias, hasResidual, act);
    }

    private sealed unsafe class Kernel(int batch, int m, int n, int k, PackedMatrix? packed, bool bias, bool residual, FusedActivation act) : INodeKernel
    {
        public string Name => $"sgemm.{Sgemm.Tier}{(packed is null ? "" : ".prepacked")}{(batch > 1 ? ".batched" : "")}{(bias ? ".bias" : "")}{(residual ? ".residual" : "")}{act.Suffix}"
            .ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (float* pa = inputs[0]!.Span<float>(), pb = inputs[1]!.Span<float>(), py = outputs[0].Span<float>(),
                pbias = bias ? inputs[2]!.Span<float>() : default, pz = residual ? inputs[3]!.Span<float>() : default)
            {
                var ep = act.Epilogue(n);
                ep.BiasN = bias ? pbias : null;
                ep.Residual = residual ? pz : null;
                if (packed is not null)
                {
                    Sgemm.Multiply(m, n, k, 1f, pa, k, false, packed, 0f, py, n, ep, pool);
                }
                else if (batch == 1)
                {
                    Sgemm.Multiply(m, n, k, 1f, pa, k, false, pb, n, false, 0f, py, n, ep, pool);
                }
                else
                {
                    pool.For(batch, new Body { A = pa, B = pb, Y = py, M = m, N = n, K = k, Epilogue = ep });
                }
            }
        }

        private struct Body : IParallelBody
        {
            public float* A, B, Y;
            public int M, N, K;
            public GemmEpilogue Epilogue;

            public readonly void Invoke(int i)
            {
                var ep = Epilogue;
                if (ep.Residual is not null)
                {
                    ep.Residual += (long)i * M * N;
                }
                Sgemm.Multiply(M, N, K, 1f, A + (long)i * M * K, K, false, B + (long)i * K * N, N, false, 0f, Y + (long)i * M * N, N, ep, WorkerPool.Inline);
            }
        }
    }
}

/// <summary>
/// axon:Attention(q_in, Wq, bq?, k_in, Wk, bk?, v_in, Wv, bv?, mask?) {num_heads, scale, mask_kind}: the three projections
/// on the SGEMM (constant weights packed once, bias in the epilogue), heads split to [B, H, S, D], the tiled
/// <see cref="FusedAttention"/> (additive mask shared [Sq, Sk] or broadcast to every head) and the heads merged back.
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
        var q = Projection.Of(r, 0);
        var k = Projection.Of(r, 3);
        var v = Projection.Of(r, 6);
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
        return new Kernel(new AttentionShape(b, heads, heads, sq, sk, d, d), scale, q, k, v, maskShape);
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
        public static Projection? Of(KernelRequest r, int at)
        {
            var x = r.InputShape(at);
            var w = r.InputShape(at + 1);
            if (x is not { Length: 3 } || w is not { Length: 2 } || x[2] != w[0] || r.HasInput(at + 2) && !FusedActivation.IsRowVector(r.InputShape(at + 2), w[1]))
            {
                return null;
            }
            var packed = r.Constants[at + 1] is { } c ? PackedMatrix.PackB(c.Span<float>(), w[0], w[1]) : null;
            return new Projection(at, x[0], x[1], x[2], w[1], packed, r.HasInput(at + 2));
        }

        public unsafe void Run(ReadOnlySpan<Tensor?> inputs, float* dst, WorkerPool pool)
        {
            int rows = Batch * Seq;
            fixed (float* px = inputs[Input]!.Span<float>(), pw = inputs[Input + 1]!.Span<float>(), pb = Bias ? inputs[Input + 2]!.Span<float>() : default)
            {
                var ep = new GemmEpilogue { BiasN = Bias ? pb : null };
                if (Packed is not null)
                {
                    Sgemm.Multiply(rows, N, E, 1f, px, E, false, Packed, 0f, dst, N, ep, pool);
                }
                else
                {
                    Sgemm.Multiply(rows, N, E, 1f, px, E, false, pw, N, false, 0f, dst, N, ep, pool);
                }
            }
        }
    }

    private sealed unsafe class Kernel(AttentionShape s, float scale, Projection q, Projection k, Projection v, int[]? maskShape) : INodeKernel
    {
        public string Name => $"attention.fused.{Sgemm.Tier}{(maskShape is null ? "" : ".mask")}".ToLowerInvariant();

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            int hd = s.Heads * s.HeadDim;
            long qLen = (long)s.Batch * s.SeqQ * hd, kLen = (long)s.Batch * s.SeqK * hd;
            bool sharedMask = maskShape is not null && maskShape.Length >= 2 && maskShape[..^2].All(x => x == 1)
                && maskShape[^2] == s.SeqQ && maskShape[^1] == s.SeqK;
            long maskLen = maskShape is null || sharedMask ? 0 : (long)s.Batch * s.Heads * s.SeqQ * s.SeqK;
            // Scratch: projected [B, S, H·D] then head-major [B, H, S, D] for Q, K and V; the output is head-major too.
            long total = 2 * qLen + 4 * kLen + qLen + maskLen;
            var rent = ArrayPool<float>.Shared.Rent(checked((int)Math.Max(total, 1)));
            try
            {
                fixed (float* scratch = rent, py = outputs[0].Span<float>(), pm = maskShape is null ? default : inputs[9]!.Span<float>())
                {
                    float* proj = scratch, qh = proj + qLen, kp = qh + qLen, kh = kp + kLen, vp = kh + kLen, vh = vp + kLen, oh = vh + kLen, mask = oh + qLen;
                    q.Run(inputs, proj, pool);
                    SplitHeads(proj, qh, s.Batch, s.SeqQ, s.Heads, s.HeadDim);
                    k.Run(inputs, kp, pool);
                    SplitHeads(kp, kh, s.Batch, s.SeqK, s.Heads, s.HeadDim);
                    v.Run(inputs, vp, pool);
                    SplitHeads(vp, vh, s.Batch, s.SeqK, s.Heads, s.HeadDim);
                    float* m = null;
                    if (maskShape is not null)
                    {
                        if (sharedMask)
                        {
                            m = pm;
                        }
                        else
                        {
                            AttentionMask.Broadcast(pm, maskShape, mask, [s.Batch, s.Heads, s.SeqQ, s.SeqK]);
                            m = mask;
                        }
                    }
                    FusedAttention.Run(s, qh, kh, vh, oh, scale, causal: false, m, maskPerHead: m is not null && !sharedMask, pool);
                    MergeHeads(oh, py, s.Batch, s.SeqQ, s.Heads, s.HeadDim);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rent);
            }
        }

        /// <summary>[B, S, H·D] → [B, H, S, D].</summary>
        private static void SplitHeads(float* src, float* dst, int b, int seq, int heads, int d)
        {
            for (int bi = 0; bi < b; bi++)
            {
                for (int t = 0; t < seq; t++)
                {
                    for (int h = 0; h < heads; h++)
                    {
                        new ReadOnlySpan<float>(src + ((long)(bi * seq + t) * heads + h) * d, d)
                            .CopyTo(new Span<float>(dst + ((long)(bi * heads + h) * seq + t) * d, d));
                    }
                }
            }
        }

        /// <summary>[B, H, S, D] → [B, S, H·D].</summary>
        private static void MergeHeads(float* src, float* dst, int b, int seq, int heads, int d)
        {
            for (int bi = 0; bi < b; bi++)
            {
                for (int h = 0; h < heads; h++)
                {
                    for (int t = 0; t < seq; t++)
                    {
                        new ReadOnlySpan<float>(src + ((long)(bi * heads + h) * seq + t) * d, d)
                            .CopyTo(new Span<float>(dst + ((long)(bi * seq + t) * heads + h) * d, d));
                    }
                }
            }
        }
    }
}

/// <summary>axon:Gelu {approximate} and axon:Silu on the vectorized unary loop.</summary>
[KernelFor("Gelu", Domain = "axon")]
[KernelFor("Silu", Domain = "axon")]
internal sealed class FusedUnaryKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        if (!r.AllFloat32 || r.InputShape(0) is null)
        {
            return null;
        }
        return r.Node.OpType switch
        {
            "Silu" => new Kernel<SiluOp>(),
            "Gelu" => r.Node.GetString("approximate", "none") switch
            {
                "none" => new Kernel<GeluOp>(),
                "tanh" => new Kernel<GeluTanhOp>(),
                _ => null,
            },
            _ => null,
        };
    }

    private sealed class Kernel<TOp> : INodeKernel where TOp : struct, IUnaryOp
    {
        public string Name => $"unary.{typeof(TOp).Name.Replace("Op", "").ToLowerInvariant()}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool) =>
            Unary.Apply(default(TOp), inputs[0]!.Span<float>(), outputs[0].Span<float>());
    }
}

/// <summary>axon:LayerNorm {axis, epsilon}: the same kernel as ONNX LayerNormalization (same attributes and inputs).</summary>
[KernelFor("LayerNorm", Domain = "axon")]
internal sealed class FusedLayerNormKernelProvider : IKernelProvider
{
    private static readonly LayerNormKernelProvider Inner = new();

    public INodeKernel? TryCreate(KernelRequest r) => Inner.TryCreate(r);
}
