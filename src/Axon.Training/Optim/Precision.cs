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
            for (int i = 0; i < src.Length; i++)
            {
                dst[i] = BFloat16.FromFloat(src[i]).ToFloat();
            }
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
