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

    /// <summary>
    /// row[j] = exp(scale·row[j] + mask[j] − max) over the first <paramref name="visible"/> keys and 0 for the rest of
    /// the <paramref name="n"/>, returning 1/Σ: the caller normalizes the (ValueDim-wide) output row instead of this
    /// (SeqK-wide) one, and the scale rides on the max pass as one FMA, so the score product needs no scaled A operand.
    /// A row whose visible scores are all −∞ gives NaN, as the reference softmax does.
    /// </summary>
    public static float ScaledExp(float* row, float* mask, int n, int visible, float scale)
    {
        int i = 0;
        float max = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && visible >= 8)
        {
            var vs = Vector256.Create(scale);
            // Two running maxima break the dependency chain; the native max is one instruction (NaN handling is
            // irrelevant here: a NaN score makes its row NaN through the exp pass either way).
            var m0 = Vector256.Create(float.NegativeInfinity);
            var m1 = m0;
            if (mask is not null)
            {
                for (; i <= visible - 16; i += 16)
                {
                    var x0 = Vector256.FusedMultiplyAdd(Vector256.Load(row + i), vs, Vector256.Load(mask + i));
                    var x1 = Vector256.FusedMultiplyAdd(Vector256.Load(row + i + 8), vs, Vector256.Load(mask + i + 8));
                    x0.Store(row + i);
                    x1.Store(row + i + 8);
                    m0 = Vector256.MaxNative(m0, x0);
                    m1 = Vector256.MaxNative(m1, x1);
                }
                for (; i <= visible - 8; i += 8)
                {
                    var x = Vector256.FusedMultiplyAdd(Vector256.Load(row + i), vs, Vector256.Load(mask + i));
                    x.Store(row + i);
                    m0 = Vector256.MaxNative(m0, x);
                }
            }
            else
            {
                for (; i <= visible - 8; i += 8)
                {
                    var x = Vector256.Load(row + i) * vs;
                    x.Store(row + i);
                    m0 = Vector256.MaxNative(m0, x);
                }
            }
            max = HorizontalMax(Vector256.MaxNative(m0, m1));
        }
        for (; i < visible; i++)
        {
            float x = mask is null ? row[i] * scale : MathF.FusedMultiplyAdd(row[i], scale, mask[i]);
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
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (; i <= visible - 16; i += 16)
            {
                var e0 = FastExp.Exp(Vector256.Load(row + i) - vm);
                var e1 = FastExp.Exp(Vector256.Load(row + i + 8) - vm);
                e0.Store(row + i);
                e1.Store(row + i + 8);
                acc0 += e0;
                acc1 += e1;
            }
            for (; i <= visible - 8; i += 8)
            {
                var e = FastExp.Exp(Vector256.Load(row + i) - vm);
                e.Store(row + i);
                acc0 += e;
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < visible; i++)
        {
            float e = MathF.Exp(row[i] - max);
            row[i] = e;
            sum += e;
        }
        new Span<float>(row + visible, n - visible).Clear();
        // No visible key (causal with more keys hidden than exist): the output row is zero, as before normalization.
        return visible == 0 ? 0f : 1f / sum;
    }

    private static float HorizontalMax(Vector256<float> v)
    {
        var m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }
}
