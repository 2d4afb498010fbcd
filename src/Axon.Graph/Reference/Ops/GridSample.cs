namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Samples X (N x C x D1..Dr) at the normalized grid locations (N x O1..Or x r, last component along the last spatial
/// axis): nearest, (multi)linear or cubic (A = -0.75); zeros, border or reflection padding; align_corners.
/// Opset 16's bilinear/bicubic are the later linear/cubic.
/// </summary>
[Op("GridSample")]
internal sealed class GridSample : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var gt = ctx.Input(1);
        string mode = ctx.String("mode", ctx.Opset < 20 ? "bilinear" : "linear") switch
        {
            "bilinear" => "linear",
            "bicubic" => "cubic",
            var m => m,
        };
        if (mode is not ("linear" or "nearest" or "cubic"))
        {
            throw ctx.Error($"unknown mode '{mode}'");
        }
        string pad = ctx.String("padding_mode", "zeros");
        if (pad is not ("zeros" or "border" or "reflection"))
        {
            throw ctx.Error($"unknown padding_mode '{pad}'");
        }
        bool align = ctx.Int("align_corners", 0) != 0;
        var xs = xt.Shape;
        int r = xs.Length - 2;
        var gs = gt.Shape;
        if (r < 1 || gs.Length != r + 2 || gs[0] != xs[0] || gs[^1] != r)
        {
            throw ctx.Error($"grid [{string.Join(",", gs)}] does not fit X [{string.Join(",", xs)}]");
        }
        int n = xs[0], c = xs[1];
        var inDims = xs[2..];
        var outDims = gs[1..^1];
        int inSize = Tensor.CheckedLength(inDims), outSize = Tensor.CheckedLength(outDims);
        var inStrides = Tensor.StridesOf(inDims);
        var x = xt.ToDoubles();
        var g = gt.ToDoubles();
        var y = new double[n * c * outSize];
        int taps = mode == "cubic" ? 4 : mode == "linear" ? 2 : 1;
        var tIdx = new int[r][];
        var tW = new double[r][];
        for (int d = 0; d < r; d++)
        {
            tIdx[d] = new int[taps];
            tW[d] = new double[taps];
        }
        var combo = new int[r];
        var tapShape = Enumerable.Repeat(taps, r).ToArray();
        int tapCount = Tensor.CheckedLength(tapShape);
        for (int b = 0; b < n; b++)
        {
            for (int o = 0; o < outSize; o++)
            {
                int gb = (b * outSize + o) * r;
                for (int d = 0; d < r; d++)
                {
                    // Grid components run x, y, z... i.e. from the last spatial axis backwards.
                    double u = g[gb + (r - 1 - d)];
                    int len = inDims[d];
                    double lo = align ? 0 : -0.5, hi = align ? len - 1 : len - 0.5;
                    double v = align ? (u + 1) / 2 * (len - 1) : ((u + 1) * len - 1) / 2;
                    if (mode == "nearest")
                    {
                        v = Math.Round(v, MidpointRounding.ToEven);
                    }
                    if (v < lo || v > hi)
                    {
                        v = pad == "border" ? Math.Clamp(v, 0, len - 1) : pad == "reflection" ? Reflect(v, lo, hi) : v;
                    }
                    Taps(v, len, lo, hi, mode, pad, tIdx[d], tW[d]);
                }
                for (int ch = 0; ch < c; ch++)
                {
                    int xb = (b * c + ch) * inSize;
                    double s = 0;
                    Array.Clear(combo);
                    for (int t = 0; t < tapCount; t++, ConvGeometry.Increment(combo, tapShape))
                    {
                        double w = 1;
                        int off = 0;
                        for (int d = 0; d < r && off >= 0; d++)
                        {
                            int i = tIdx[d][combo[d]];
                            w *= tW[d][combo[d]];
                            off = i < 0 ? -1 : off + i * inStrides[d];
                        }
                        if (off >= 0 && w != 0)
                        {
                            s += w * x[xb + off];
                        }
                    }
                    y[(b * c + ch) * outSize + o] = s;
                }
            }
        }
        return [Tensor.FromDoubles(xt.DType, y, [n, c, .. outDims])];
    }

    /// <summary>Sample indices (-1 = zero padding) and weights along one axis for coordinate <paramref name="v"/>.</summary>
    private static void Taps(double v, int len, double lo, double hi, string mode, string pad, int[] idx, double[] w)
    {
        if (mode == "nearest")
        {
            idx[0] = Resolve((int)v, len, lo, hi, pad);
            w[0] = 1;
            return;
        }
        int f = (int)Math.Floor(v);
        double t = v - f;
        if (mode == "linear")
        {
            idx[0] = Resolve(f, len, lo, hi, pad);
            idx[1] = Resolve(f + 1, len, lo, hi, pad);
            w[0] = 1 - t;
            w[1] = t;
            return;
        }
        for (int k = 0; k < 4; k++)
        {
            idx[k] = Resolve(f - 1 + k, len, lo, hi, pad);
            w[k] = Resampler.CubicKernel(Math.Abs(k - 1 - t), -0.75);
        }
    }

    /// <summary>An integer sample position after padding: clamped (border), mirrored (reflection) or -1 (zeros).</summary>
    private static int Resolve(int i, int len, double lo, double hi, string pad)
    {
        if (i >= 0 && i < len)
        {
            return i;
        }
        return pad switch
        {
            "border" => Math.Clamp(i, 0, len - 1),
            "reflection" => Math.Clamp((int)Reflect(i, lo, hi), 0, len - 1),
            _ => -1,
        };
    }

    /// <summary>Mirrors <paramref name="v"/> back into [lo, hi] as many times as needed.</summary>
    private static double Reflect(double v, double lo, double hi)
    {
        double rng = hi - lo;
        if (rng <= 0)
        {
            return lo;
        }
        if (v < lo)
        {
            double dx = lo - v;
            int k = (int)(dx / rng);
            double rem = dx - k * rng;
            return k % 2 == 0 ? lo + rem : hi - rem;
        }
        if (v > hi)
        {
            double dx = v - hi;
            int k = (int)(dx / rng);
            double rem = dx - k * rng;
            return k % 2 == 0 ? hi - rem : lo + rem;
        }
        return v;
    }
}
