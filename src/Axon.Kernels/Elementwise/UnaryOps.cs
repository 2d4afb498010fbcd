using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Elementwise;

/// <summary>An elementwise function written once for scalars and once for 8-wide vectors; the loop lives in <see cref="Unary"/>.</summary>
public interface IUnaryOp
{
    float Invoke(float x);
    Vector256<float> Invoke(Vector256<float> x);
}

public readonly struct IdentityOp : IUnaryOp
{
    public float Invoke(float x) => x;
    public Vector256<float> Invoke(Vector256<float> x) => x;
}

public readonly struct ReluOp : IUnaryOp
{
    public float Invoke(float x) => x > 0 ? x : (float.IsNaN(x) ? x : 0);
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);
}

public readonly struct LeakyReluOp(float alpha) : IUnaryOp
{
    public float Invoke(float x) => x >= 0 ? x : x * alpha;
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), x * alpha, x);
}

public readonly struct ClipOp(float lo, float hi) : IUnaryOp
{
    public float Invoke(float x) => x < lo ? lo : x > hi ? hi : x;
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Min(Vector256.Max(x, Vector256.Create(lo)), Vector256.Create(hi));
}

/// <summary>
/// e^x: the vector path is Axon's single-precision <see cref="FastExp.ExpWithSubnormals"/> (the BCL's
/// <c>Vector256.Exp</c> widens to double and took ~1.9x the time in cache); the scalar path, used for short rows and when there is no
/// AVX2, is <c>MathF.Exp</c>.
/// </summary>
public readonly struct ExpOp : IUnaryOp
{
    public float Invoke(float x) => MathF.Exp(x);
    public Vector256<float> Invoke(Vector256<float> x) => FastExp.ExpWithSubnormals(x);
}

public readonly struct SigmoidOp : IUnaryOp
{
    public float Invoke(float x) => 1f / (1f + MathF.Exp(-x));
    public Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + FastExp.Exp(-x));
}

public readonly struct TanhOp : IUnaryOp
{
    public float Invoke(float x) => MathF.Tanh(x);

    // Large |x|: tanh(x) = 1 - 2/(e^{2x}+1), clamped so e^{2x} stays finite (tanh is ±1 in float there).
    // Small |x|: that form cancels catastrophically, so use the odd Taylor series to x^15 (relative error < 5e-8 below 0.55).
    public Vector256<float> Invoke(Vector256<float> x)
    {
        var c = Vector256.Min(Vector256.Max(x, Vector256.Create(-15f)), Vector256.Create(15f));
        var e = FastExp.Exp(c + c);
        var big = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
        var z = x * x;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(-929569f / 638512875f), z, Vector256.Create(21844f / 6081075f));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(-1382f / 155925f));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(62f / 2835f));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(-17f / 315f));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(2f / 15f));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256.Create(-1f / 3f));
        p = Vector256.FusedMultiplyAdd(p, z, Vector256<float>.One);
        var small = x * p;
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(0.55f)), small, big);
    }
}

public readonly struct SiluOp : IUnaryOp
{
    public float Invoke(float x) => x / (1f + MathF.Exp(-x));
    public Vector256<float> Invoke(Vector256<float> x) => x / (Vector256<float>.One + FastExp.Exp(-x));
}

/// <summary>GELU with the exact erf form: 0.5·x·(1 + erf(x/√2)).</summary>
public readonly struct GeluOp : IUnaryOp
{
    public float Invoke(float x) => 0.5f * x * (1f + ErfOp.Scalar(x * 0.70710678118654752f));
    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.Create(0.5f) * x * (Vector256<float>.One + ErfOp.Vector(x * Vector256.Create(0.70710678118654752f)));
}

/// <summary>GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
public readonly struct GeluTanhOp : IUnaryOp
{
    public float Invoke(float x) => 0.5f * x * (1f + MathF.Tanh(0.7978845608f * (x + 0.044715f * x * x * x)));
    public Vector256<float> Invoke(Vector256<float> x)
    {
        var inner = Vector256.Create(0.7978845608f) * (x + Vector256.Create(0.044715f) * x * x * x);
        return Vector256.Create(0.5f) * x * (Vector256<float>.One + default(TanhOp).Invoke(inner));
    }
}

public readonly struct ErfOp : IUnaryOp
{
    public float Invoke(float x) => Scalar(x);
    public Vector256<float> Invoke(Vector256<float> x) => Vector(x);

    // erf(x) = 1 - erfc(|x|) with the Chebyshev-fitted erfc of Numerical Recipes (|error| < 1.2e-7 absolute),
    // evaluated with one vector exp; accurate enough for float GELU and far cheaper than a series.
    private const float C0 = -1.26551223f, C1 = 1.00002368f, C2 = 0.37409196f, C3 = 0.09678418f, C4 = -0.18628806f;
    private const float C5 = 0.27886807f, C6 = -1.13520398f, C7 = 1.48851587f, C8 = -0.82215223f, C9 = 0.17087277f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(float x)
    {
        float z = MathF.Abs(x);
        float t = 1f / (1f + 0.5f * z);
        float poly = C0 + t * (C1 + t * (C2 + t * (C3 + t * (C4 + t * (C5 + t * (C6 + t * (C7 + t * (C8 + t * C9))))))));
        float r = t * MathF.Exp(-z * z + poly);
        return x >= 0 ? 1f - r : r - 1f;
    }

    // The vector form is a rational function, erf(x) ≈ x·P(x²)/Q(x²) on |x| ≤ 3.92 (beyond, erf rounds to ±1 in float),
    // fitted for this file by iterated reweighted least squares (max error 1.6e-8 in exact arithmetic, 2.5e-7 evaluated
    // in float). Every coefficient is positive, so neither polynomial cancels and Q has no real root. Eleven FMAs and a
    // division and no exp: the erfc-and-exp form above ran at ~64 cycles per vector (the exp's range checks and a
    // serial chain of 25 dependent operations), which made GELU cost a third of the FFN up-projection it follows.
    private const float Clamp = 3.92f;
    private const float P0 = 1.128379022746698f, P1 = 0.19275683600437435f, P2 = 0.053059382524254364f;
    private const float P3 = 0.0038679719700112267f, P4 = 0.00028746383468001885f, P5 = 2.034696067284886e-06f;
    private const float Q1 = 0.5041579685297216f, Q2 = 0.11508150102364867f, Q3 = 0.015171598941035432f;
    private const float Q4 = 0.001188014296691371f, Q5 = 3.806941381659984e-05f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Vector(Vector256<float> x)
    {
        // min(hi, max(lo, x)) with the x86 operand order returns NaN for NaN (the second operand wins on NaN).
        var xc = Avx.IsSupported
            ? Avx.Min(Vector256.Create(Clamp), Avx.Max(Vector256.Create(-Clamp), x))
            : Vector256.Min(Vector256.Max(x, Vector256.Create(-Clamp)), Vector256.Create(Clamp));
        var u = xc * xc;
        var p = Vector256.FusedMultiplyAdd(u, Vector256.Create(P5), Vector256.Create(P4));
        var q = Vector256.FusedMultiplyAdd(u, Vector256.Create(Q5), Vector256.Create(Q4));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(P3));
        q = Vector256.FusedMultiplyAdd(u, q, Vector256.Create(Q3));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(P2));
        q = Vector256.FusedMultiplyAdd(u, q, Vector256.Create(Q2));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(P1));
        q = Vector256.FusedMultiplyAdd(u, q, Vector256.Create(Q1));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(P0));
        q = Vector256.FusedMultiplyAdd(u, q, Vector256<float>.One);
        return xc * p / q;
    }
}

public readonly struct HardSigmoidOp(float alpha, float beta) : IUnaryOp
{
    public float Invoke(float x) => MathF.Max(0, MathF.Min(1, alpha * x + beta));
    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.Max(Vector256<float>.Zero, Vector256.Min(Vector256<float>.One, Vector256.FusedMultiplyAdd(Vector256.Create(alpha), x, Vector256.Create(beta))));
}

public readonly struct HardSwishOp : IUnaryOp
{
    public float Invoke(float x) => x * MathF.Max(0, MathF.Min(1, x / 6f + 0.5f));
    public Vector256<float> Invoke(Vector256<float> x) => x * default(HardSigmoidOpSixth).Invoke(x);

    private readonly struct HardSigmoidOpSixth
    {
        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.Max(Vector256<float>.Zero, Vector256.Min(Vector256<float>.One, Vector256.FusedMultiplyAdd(Vector256.Create(1f / 6f), x, Vector256.Create(0.5f))));
    }
}

/// <summary>y = a·x + b (scale and shift, also used for dequantize-style affine maps).</summary>
public readonly struct AffineOp(float a, float b) : IUnaryOp
{
    public float Invoke(float x) => a * x + b;
    public Vector256<float> Invoke(Vector256<float> x) => Vector256.FusedMultiplyAdd(Vector256.Create(a), x, Vector256.Create(b));
}
