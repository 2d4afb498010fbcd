using Axon.Graph;
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
