using System.Runtime.Intrinsics;
using Axon.Kernels.Elementwise;

namespace Axon.Kernels.Attention;

/// <summary>One row of attention scores turned into probabilities in place: mask add, max, exp and normalize.</summary>
internal static unsafe class ScoreRow
{
    /// <summary>
    /// row[j] = softmax(row[j] + mask[j]) over the first <paramref name="visible"/> keys, 0 for the rest (causal).
    /// The mask add and the max share one pass, exp and the sum another, the scale a third. A row with every visible
    /// score at −∞ gives NaN, as the reference softmax does.
    /// </summary>
    public static void MaskedSoftmax(float* row, float* mask, int n, int visible)
    {
        int i = 0;
        float max = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && visible >= 8)
        {
            var vmax = Vector256.Create(float.NegativeInfinity);
            if (mask is not null)
            {
                for (; i <= visible - 8; i += 8)
                {
                    var x = Vector256.Load(row + i) + Vector256.Load(mask + i);
                    x.Store(row + i);
                    vmax = Vector256.Max(vmax, x);
                }
            }
            else
            {
                for (; i <= visible - 8; i += 8)
                {
                    vmax = Vector256.Max(vmax, Vector256.Load(row + i));
                }
            }
            max = HorizontalMax(vmax);
        }
        for (; i < visible; i++)
        {
            float x = mask is null ? row[i] : row[i] + mask[i];
            row[i] = x;
            max = MathF.Max(max, x);
        }
        if (float.IsNegativeInfinity(max))
        {
            max = 0;
        }
        float sum = 0;
        i = 0;
        if (Vector256.IsHardwareAccelerated && visible >= 8)
        {
            var vm = Vector256.Create(max);
            var acc = Vector256<float>.Zero;
            for (; i <= visible - 8; i += 8)
            {
                var e = FastExp.Exp(Vector256.Load(row + i) - vm);
                e.Store(row + i);
                acc += e;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < visible; i++)
        {
            float e = MathF.Exp(row[i] - max);
            row[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vi = Vector256.Create(inv);
            for (; i <= visible - 8; i += 8)
            {
                (Vector256.Load(row + i) * vi).Store(row + i);
            }
        }
        for (; i < visible; i++)
        {
            row[i] *= inv;
        }
        new Span<float>(row + visible, n - visible).Clear();
    }

    private static float HorizontalMax(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }
}
