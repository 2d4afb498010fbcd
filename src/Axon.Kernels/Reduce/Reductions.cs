using System.Numerics.Tensors;

namespace Axon.Kernels.Reduce;

public enum ReduceKind
{
    Sum,
    Mean,
    Max,
    Min,
    SumSquare,
}

/// <summary>
/// Reductions along any axis, expressed as a [outer, axis, inner] view: contiguous rows reduce with
/// <see cref="TensorPrimitives"/>; strided axes accumulate whole inner rows at a time so the loads stay vectorized.
/// </summary>
public static class Reductions
{
    public static float Sum(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);

    public static float Max(ReadOnlySpan<float> x) => x.IsEmpty ? float.NegativeInfinity : TensorPrimitives.Max(x);

    public static float Min(ReadOnlySpan<float> x) => x.IsEmpty ? float.PositiveInfinity : TensorPrimitives.Min(x);

    /// <summary>y[o, i] = reduce over a of x[o, a, i]; y has outer·inner elements.</summary>
    public static void Axis(ReadOnlySpan<float> x, Span<float> y, int outer, int axis, int inner, ReduceKind kind)
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var row = x.Slice(o * axis, axis);
                y[o] = kind switch
                {
                    ReduceKind.Sum => TensorPrimitives.Sum(row),
                    ReduceKind.Mean => axis == 0 ? float.NaN : TensorPrimitives.Sum(row) / axis,
                    ReduceKind.Max => Max(row),
                    ReduceKind.Min => Min(row),
                    _ => TensorPrimitives.SumOfSquares(row),
                };
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var dst = y.Slice(o * inner, inner);
            dst.Fill(kind switch { ReduceKind.Max => float.NegativeInfinity, ReduceKind.Min => float.PositiveInfinity, _ => 0f });
            for (int a = 0; a < axis; a++)
            {
                var src = x.Slice((o * axis + a) * inner, inner);
                switch (kind)
                {
                    case ReduceKind.Max:
                        TensorPrimitives.Max(dst, src, dst);
                        break;
                    case ReduceKind.Min:
                        TensorPrimitives.Min(dst, src, dst);
                        break;
                    case ReduceKind.SumSquare:
                        TensorPrimitives.FusedMultiplyAdd(src, src, dst, dst);
                        break;
                    default:
                        TensorPrimitives.Add(dst, src, dst);
                        break;
                }
            }
            if (kind == ReduceKind.Mean)
            {
                TensorPrimitives.Multiply(dst, axis == 0 ? float.NaN : 1f / axis, dst);
            }
        }
    }
}
