using Axon.Compiler.Passes;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Auto-cast of matrix-product weights (<c>--auto-cast matmult|all</c>, see <see cref="MatMulWeightPass"/> for what is
/// rewritten): each constant FP32 weight is stored as BF16 or FP16 - half the artifact's weight bytes - and the product
/// becomes axon:WideningMatMul(A, W_low, bias?, Z?), which widens the weight to FP32 when the kernel is built and
/// accumulates in FP32. Rounding is to nearest even, or stochastic with the options' seed (reproducible: the same seed
/// gives the same artifact). Activations stay FP32: on this CPU a narrower activation only adds conversions.
/// </summary>
public sealed class AutoCastMatMul : MatMulWeightPass
{
    private Random _rng = new(0);
    private CastType _type;
    private CastRounding _rounding;

    public override string Name => "auto-cast-matmul";

    protected override string OpType => "WideningMatMul";

    protected override void Prepare(PassContext context)
    {
        _rng = new Random(context.Options.CastSeed);
        _type = context.Options.AutoCastType;
        _rounding = context.Options.CastRounding;
    }

    internal override string[] Encode(float[] w, int k, int n, string stem, Func<string, string> fresh, Dictionary<string, Tensor> inits)
    {
        bool stochastic = _rounding == CastRounding.Stochastic;
        string name = fresh(stem + (_type == CastType.BFloat16 ? "_bf16" : "_fp16"));
        if (_type == CastType.BFloat16)
        {
            var b = new BFloat16[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                b[i] = stochastic ? BFloat16.FromFloatStochastic(w[i], (uint)_rng.Next(1 << 16)) : BFloat16.FromFloat(w[i]);
            }
            inits[name] = Tensor.FromArray(b, k, n);
        }
        else
        {
            var h = new Half[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                h[i] = stochastic ? StochasticHalf(w[i], _rng) : (Half)w[i];
            }
            inits[name] = Tensor.FromArray(h, k, n);
        }
        return [name];
    }

    /// <summary>Rounds to one of the two neighbouring FP16 values with probability by distance (expected value = x).</summary>
    internal static Half StochasticHalf(float x, Random rng)
    {
        var h = (Half)x;
        float hf = (float)h;
        if (hf == x || !float.IsFinite(x) || Half.IsInfinity(h))
        {
            return h;
        }
        var other = hf < x ? Half.BitIncrement(h) : Half.BitDecrement(h);
        float of = (float)other;
        if (Half.IsInfinity(other))
        {
            return h;
        }
        double pOther = Math.Abs(x - hf) / Math.Abs(of - hf);
        return rng.NextDouble() < pOther ? other : h;
    }
}
