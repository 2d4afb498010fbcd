using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Gemm;

/// <summary>Applies a <see cref="GemmEpilogue"/> to a run of one output row while it is still in L1.</summary>
internal static unsafe class EpilogueOps
{
    /// <summary>
    /// The epilogue on one micro-tile of C (<paramref name="mr"/> rows of <paramref name="nr"/> columns at row
    /// <paramref name="row0"/>, column <paramref name="col0"/>) just stored by the micro-kernel, so still in L1. A full
    /// 16-wide tile runs in registers - the bias vectors loaded once per tile, each row loaded, biased, added to its
    /// residual, activated and stored once - with the activation a struct the JIT specializes; the per-row span path
    /// (three or four vectorized calls on 16 floats per row) cost more than the FMAs of a K = 384 tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ApplyTile(float* c, int ldc, int mr, int nr, int row0, int col0, in GemmEpilogue ep)
    {
        if (nr != MicroKernel.NR || !Vector256.IsHardwareAccelerated)
        {
            for (int r = 0; r < mr; r++)
            {
                ApplyRow(c + (long)r * ldc, row0 + r, col0, nr, ep);
            }
            return;
        }
        switch (ep.Activation)
        {
            case Activation.None:
                Tile16(default(Elementwise.IdentityOp), c, ldc, mr, row0, col0, ep);
                return;
            case Activation.Gelu:
                Tile16(default(Elementwise.GeluOp), c, ldc, mr, row0, col0, ep);
                return;
            case Activation.GeluTanh:
                Tile16(default(Elementwise.GeluTanhOp), c, ldc, mr, row0, col0, ep);
                return;
            case Activation.Relu:
                Tile16(default(Elementwise.ReluOp), c, ldc, mr, row0, col0, ep);
                return;
            case Activation.Sigmoid:
                Tile16(default(Elementwise.SigmoidOp), c, ldc, mr, row0, col0, ep);
                return;
            case Activation.Tanh:
                Tile16(default(Elementwise.TanhOp), c, ldc, mr, row0, col0, ep);
                return;
            case Activation.Silu:
                Tile16(default(Elementwise.SiluOp), c, ldc, mr, row0, col0, ep);
                return;
            default:
                // LeakyRelu and Clip keep their exact scalar semantics (NaN, the slope's sign) through the row path.
                for (int r = 0; r < mr; r++)
                {
                    ApplyRow(c + (long)r * ldc, row0 + r, col0, nr, ep);
                }
                return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile16<TAct>(TAct act, float* c, int ldc, int mr, int row0, int col0, in GemmEpilogue ep)
        where TAct : struct, Elementwise.IUnaryOp
    {
        // Same order of additions as ApplyRow (BiasM, BiasN, residual, then the activation), so both paths agree bit for bit.
        bool hasN = ep.BiasN is not null;
        var b0 = hasN ? Vector256.Load(ep.BiasN + col0) : Vector256<float>.Zero;
        var b1 = hasN ? Vector256.Load(ep.BiasN + col0 + 8) : Vector256<float>.Zero;
        float* biasM = ep.BiasM;
        float* res = ep.Residual is null ? null : ep.Residual + (long)row0 * ep.ResidualStride + col0;
        long rs = ep.ResidualStride;
        for (int r = 0; r < mr; r++)
        {
            float* y = c + (long)r * ldc;
            var v0 = Vector256.Load(y);
            var v1 = Vector256.Load(y + 8);
            if (biasM is not null)
            {
                var bm = Vector256.Create(biasM[row0 + r]);
                v0 += bm;
                v1 += bm;
            }
            if (hasN)
            {
                v0 += b0;
                v1 += b1;
            }
            if (res is not null)
            {
                v0 += Vector256.Load(res + r * rs);
                v1 += Vector256.Load(res + r * rs + 8);
            }
            act.Invoke(v0).Store(y);
            act.Invoke(v1).Store(y + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ApplyRow(float* y, int row, int col0, int count, in GemmEpilogue ep)
    {
        // Vectorized adds (TensorPrimitives): these run once per 16-column micro-tile row, so scalar loops showed up.
        var yv = new Span<float>(y, count);
        if (ep.BiasM is not null)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(yv, ep.BiasM[row], yv);
        }
        if (ep.BiasN is not null)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(yv, new ReadOnlySpan<float>(ep.BiasN + col0, count), yv);
        }
        if (ep.Residual is not null)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(yv, new ReadOnlySpan<float>(ep.Residual + (long)row * ep.ResidualStride + col0, count), yv);
        }
        if (ep.Activation != Activation.None)
        {
            Activate(y, count, ep.Activation, ep.ActAlpha, ep.ActBeta);
        }
    }

    public static void Activate(float* y, int count, Activation act, float alpha, float beta)
    {
        // Transcendental activations run through the vectorized unary op structs (one loop, scalar tail in place).
        var span = new Span<float>(y, count);
        switch (act)
        {
            case Activation.Gelu:
                Elementwise.Unary.Apply(default(Elementwise.GeluOp), span, span);
                return;
            case Activation.GeluTanh:
                Elementwise.Unary.Apply(default(Elementwise.GeluTanhOp), span, span);
                return;
            case Activation.Sigmoid:
                Elementwise.Unary.Apply(default(Elementwise.SigmoidOp), span, span);
                return;
            case Activation.Tanh:
                Elementwise.Unary.Apply(default(Elementwise.TanhOp), span, span);
                return;
            case Activation.Silu:
                Elementwise.Unary.Apply(default(Elementwise.SiluOp), span, span);
                return;
        }
        int j = 0;
        if (Vector256.IsHardwareAccelerated && act is Activation.Relu or Activation.Clip or Activation.LeakyRelu)
        {
            var zero = Vector256<float>.Zero;
            var lo = Vector256.Create(alpha);
            var hi = Vector256.Create(beta);
            for (; j + 8 <= count; j += 8)
            {
                var v = Vector256.Load(y + j);
                v = act switch
                {
                    Activation.Relu => Vector256.ConditionalSelect(Vector256.LessThan(v, zero), zero, v),
                    Activation.Clip => Vector256.Min(Vector256.Max(v, lo), hi),
                    _ => Vector256.ConditionalSelect(Vector256.GreaterThan(v, zero), v, v * lo),
                };
                v.Store(y + j);
            }
        }
        for (; j < count; j++)
        {
            y[j] = Scalar(y[j], act, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(float x, Activation act, float alpha, float beta) => act switch
    {
        Activation.Relu => x < 0 ? 0 : x,
        Activation.LeakyRelu => x > 0 ? x : x * alpha,
        Activation.Clip => MathF.Min(MathF.Max(x, alpha), beta),
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        Activation.Tanh => MathF.Tanh(x),
        Activation.Gelu => 0.5f * x * (1f + Elementwise.ErfOp.Scalar(x * 0.70710678f)),
        Activation.GeluTanh => 0.5f * x * (1f + MathF.Tanh(0.7978845608f * (x + 0.044715f * x * x * x))),
        Activation.Silu => x / (1f + MathF.Exp(-x)),
        _ => x,
    };
}
