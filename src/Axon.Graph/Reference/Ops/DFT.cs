namespace Axon.Graph.Reference.Ops;

/// <summary>
/// DFT along one signal axis of a [..., 1] (real) or [..., 2] (complex) tensor. Opset 17-19 take the axis as an
/// attribute (default 1); opset 20+ as input 2 (default -2). onesided=1 gives RFFT (forward) or IRFFT (inverse).
/// </summary>
[Op("DFT")]
internal sealed class DFT : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        int r = x.Rank;
        if (r < 2 || x.Shape[^1] is not (1 or 2))
        {
            throw ctx.Error($"input must end in a dimension of 1 (real) or 2 (complex), got {x}");
        }
        bool inverse = ctx.Int("inverse", 0) != 0;
        bool onesided = ctx.Int("onesided", 0) != 0;
        long axisRaw = ctx.Opset >= 20
            ? (ctx.HasInput(2) ? ControlFlow.ScalarInt(ctx, ctx.Input(2), "axis") : -2)
            : ctx.Int("axis", 1);
        long a = axisRaw < 0 ? axisRaw + r : axisRaw;
        if (a < 0 || a > r - 2)
        {
            throw ctx.Error($"axis {axisRaw} is out of range for rank {r} (the last axis holds the complex parts)");
        }
        int axis = (int)a;
        bool complexIn = x.Shape[^1] == 2;
        int dim = x.Shape[axis];
        bool irfft = onesided && inverse;
        if (onesided && !inverse && complexIn)
        {
            throw ctx.Error("onesided forward DFT needs a real input");
        }
        long nLong = ctx.HasInput(1) ? ControlFlow.ScalarInt(ctx, ctx.Input(1), "dft_length") : irfft ? 2L * (dim - 1) : dim;
        if (nLong <= 0)
        {
            throw ctx.Error($"dft_length {nLong} must be positive");
        }
        int n = (int)nLong;
        int bins = onesided && !inverse ? n / 2 + 1 : n;
        var shape = (int[])x.Shape.Clone();
        shape[axis] = bins;
        shape[^1] = irfft ? 1 : 2;
        // Complex float32 signals follow NumPy's float32 pocketfft (the source of the test data) so that exact zeros carry
        // the same float32 rounding noise; everything else is transformed exactly in double.
        var f32 = x.DType == DType.Float32 && complexIn && !onesided ? Fourier32.Factor(n) : null;
        var result = Transform(x.ToDoubles(), x.Shape, axis, complexIn, n, inverse, irfft, bins, shape, f32);
        return [Tensor.FromDoubles(x.DType, result, shape)];
    }

    private static double[] Transform(double[] v, int[] inShape, int axis, bool complexIn, int n, bool inverse, bool irfft, int bins,
        int[] outShape, List<int>? float32Factors)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= inShape[i];
        }
        for (int i = axis + 1; i < inShape.Length - 1; i++)
        {
            inner *= inShape[i];
        }
        int dim = inShape[axis];
        int inC = complexIn ? 2 : 1;
        int outC = outShape[^1];
        var result = new double[outer * bins * inner * outC];
        var re = new double[n];
        var im = new double[n];
        var ore = new double[bins];
        var oim = new double[bins];
        for (int o = 0; o < outer; o++)
        {
            for (int q = 0; q < inner; q++)
            {
                Array.Clear(re);
                Array.Clear(im);
                if (irfft)
                {
                    // Rebuild the full Hermitian spectrum from bins 0..n/2; the real part of its inverse is the signal.
                    for (int k = 0; k <= n / 2 && k < dim; k++)
                    {
                        int at = ((o * dim + k) * inner + q) * inC;
                        re[k] = v[at];
                        im[k] = complexIn ? v[at + 1] : 0;
                        if (k > 0 && n - k != k)
                        {
                            re[n - k] = re[k];
                            im[n - k] = -im[k];
                        }
                    }
                }
                else
                {
                    for (int t = 0; t < Math.Min(n, dim); t++)
                    {
                        int at = ((o * dim + t) * inner + q) * inC;
                        re[t] = v[at];
                        im[t] = complexIn ? v[at + 1] : 0;
                    }
                }
                if (float32Factors is not null)
                {
                    TransformFloat32(re, im, inverse, float32Factors, ore, oim);
                }
                else
                {
                    Fourier.Transform(re, im, inverse, bins, ore, oim);
                }
                for (int k = 0; k < bins; k++)
                {
                    int at = ((o * bins + k) * inner + q) * outC;
                    result[at] = ore[k];
                    if (outC == 2)
                    {
                        result[at + 1] = oim[k];
                    }
                }
            }
        }
        return result;
    }

    private static void TransformFloat32(double[] re, double[] im, bool inverse, List<int> factors, double[] ore, double[] oim)
    {
        var fr = re.Select(v => (float)v).ToArray();
        var fi = im.Select(v => (float)v).ToArray();
        Fourier32.Transform(fr, fi, inverse, factors);
        for (int k = 0; k < fr.Length; k++)
        {
            ore[k] = fr[k];
            oim[k] = fi[k];
        }
    }
}
