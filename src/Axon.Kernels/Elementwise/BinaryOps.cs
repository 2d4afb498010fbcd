using System.Runtime.Intrinsics;

namespace Axon.Kernels.Elementwise;

/// <summary>A binary elementwise function written once for scalars and once for 8-wide vectors.</summary>
public interface IBinaryOp
{
    float Invoke(float a, float b);
    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
}

public readonly struct AddOp : IBinaryOp
{
    public float Invoke(float a, float b) => a + b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a + b;
}

public readonly struct SubOp : IBinaryOp
{
    public float Invoke(float a, float b) => a - b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a - b;
}

public readonly struct MulOp : IBinaryOp
{
    public float Invoke(float a, float b) => a * b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;
}

public readonly struct DivOp : IBinaryOp
{
    public float Invoke(float a, float b) => a / b;
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a / b;
}

public readonly struct MaxOp : IBinaryOp
{
    public float Invoke(float a, float b) => MathF.Max(a, b);
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
}

public readonly struct MinOp : IBinaryOp
{
    public float Invoke(float a, float b) => MathF.Min(a, b);
    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
}

/// <summary>a^b for float; uses exp(b·ln a) in the vector path where a is positive, scalar otherwise.</summary>
public readonly struct PowOp : IBinaryOp
{
    public float Invoke(float a, float b) => MathF.Pow(a, b);

    public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b)
    {
        if (Vector256.GreaterThanAll(a, Vector256<float>.Zero))
        {
            return Vector256.Exp(b * Vector256.Log(a));
        }
        Span<float> r = stackalloc float[8];
        for (int i = 0; i < 8; i++)
        {
            r[i] = MathF.Pow(a.GetElement(i), b.GetElement(i));
        }
        return Vector256.Create((ReadOnlySpan<float>)r);
    }
}
