using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Gemm;

/// <summary>Applies a <see cref="GemmEpilogue"/> to a run of one output row while it is still in L1.</summary>
internal static unsafe class EpilogueOps
{
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
