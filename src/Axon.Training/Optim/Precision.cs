using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Axon.Training.Data;

namespace Axon.Training.Optim;

/// <summary>How training stores weights and computes.</summary>
public enum Precision
{
    /// <summary>FP32 weights, FP32 compute.</summary>
    Fp32,

    /// <summary>Weights stored in BF16: every update's result is rounded to BF16 (optimizer state stays FP32).</summary>
    Bf16,

    /// <summary>FP32 master weights; the copy the forward and backward passes see is rounded to BF16; gradients FP32.</summary>
    Mixed,
}

/// <summary>How a float is rounded to BF16.</summary>
public enum Rounding
{
    /// <summary>Round to nearest, ties to even (updates smaller than half a BF16 step are lost).</summary>
    Nearest,

    /// <summary>Round up with probability equal to the discarded fraction (unbiased: small updates survive on average); seeded.</summary>
    Stochastic,
}

/// <summary>Rounds float spans through BF16 (the result is a float that a BF16 holds exactly).</summary>
public static class Bf16Rounding
{
    /// <summary>dst[i] = float(bf16(src[i])), with round-to-nearest-even or stochastic rounding from <paramref name="rng"/>.</summary>
    public static void Round(ReadOnlySpan<float> src, Span<float> dst, Rounding rounding, SplitMix64? rng)
    {
        if (dst.Length < src.Length)
        {
            throw new ArgumentException("destination shorter than source");
        }
        if (rounding == Rounding.Nearest)
        {
            RoundNearest(src, dst);
            return;
        }
        var r = rng ?? throw new ArgumentNullException(nameof(rng), "stochastic rounding needs a seeded generator");
        int k = 0;
        while (k < src.Length)
        {
            ulong bits = r.Next();
            for (int j = 0; j < 4 && k < src.Length; j++, k++, bits >>= 16)
            {
                dst[k] = BFloat16.FromFloatStochastic(src[k], (uint)bits).ToFloat();
            }
        }
    }

    /// <summary>
    /// Round-to-nearest-even through BF16, eight floats at a time: the same bits as <see cref="BFloat16.FromFloat"/> (NaN
    /// stays a quiet NaN). The trainer rounds every weight and pixel once a step, so this sits on the step's serial path.
    /// </summary>
    public static void RoundNearest(ReadOnlySpan<float> src, Span<float> dst)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && src.Length >= Vector256<uint>.Count)
        {
            ref float s = ref MemoryMarshal.GetReference(src);
            ref float d = ref MemoryMarshal.GetReference(dst);
            var abs = Vector256.Create(0x7FFF_FFFFu);
            var inf = Vector256.Create(0x7F80_0000u);
            var quiet = Vector256.Create(0x0040_0000u);
            var half = Vector256.Create(0x7FFFu);
            var one = Vector256.Create(1u);
            var high = Vector256.Create(0xFFFF_0000u);
            for (; i <= src.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                var bits = Vector256.LoadUnsafe(ref s, (nuint)i).AsUInt32();
                var rounded = (bits + half + ((bits >> 16) & one)) & high;
                var nan = Vector256.GreaterThan(bits & abs, inf);
                Vector256.ConditionalSelect(nan, (bits | quiet) & high, rounded).AsSingle().StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < src.Length; i++)
        {
            dst[i] = BFloat16.FromFloat(src[i]).ToFloat();
        }
    }

    /// <summary>Parses "fp32|bf16|mixed".</summary>
    public static Precision ParsePrecision(string s) => s.ToLowerInvariant() switch
    {
        "fp32" => Precision.Fp32,
        "bf16" => Precision.Bf16,
        "mixed" => Precision.Mixed,
        _ => throw new AxonInputException($"precision must be fp32, bf16 or mixed, not '{s}'", "AXT112"),
    };

    /// <summary>Parses "nearest|stochastic".</summary>
    public static Rounding ParseRounding(string s) => s.ToLowerInvariant() switch
    {
        "nearest" => Rounding.Nearest,
        "stochastic" => Rounding.Stochastic,
        _ => throw new AxonInputException($"rounding must be nearest or stochastic, not '{s}'", "AXT112"),
    };
}
