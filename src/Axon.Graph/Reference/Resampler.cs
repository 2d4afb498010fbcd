namespace Axon.Graph.Reference;

/// <summary>How Resize/Upsample sample: interpolation mode, coordinate transformation and their options.</summary>
public sealed record ResampleMode(
    string Mode,
    string Coordinates,
    string NearestMode = "round_prefer_floor",
    double CubicA = -0.75,
    bool ExcludeOutside = false,
    double Extrapolation = 0,
    bool Antialias = false);

/// <summary>
/// The resampling engine behind Resize and Upsample. Interpolation is separable, so it runs one axis at a time: each
/// axis gets, for every output index, a short list of (input index, weight) taps; axes whose mapping is the identity are
/// skipped. tf_crop_and_resize outputs whose source lies outside the input take the extrapolation value.
/// </summary>
public static class Resampler
{
    /// <param name="outShape">output dims.</param>
    /// <param name="scales">per-axis scale used by the coordinate transform (and antialias).</param>
    /// <param name="outWidth">per-axis real-valued output length (input · scale), for half_pixel_symmetric.</param>
    /// <param name="roi">per-axis (start, end), normalized; used by tf_crop_and_resize.</param>
    public static double[] Run(double[] x, int[] inShape, int[] outShape, double[] scales, double[] outWidth, (double Start, double End)[] roi, ResampleMode m)
    {
        int rank = inShape.Length;
        var cur = x;
        var curShape = (int[])inShape.Clone();
        var extrapolated = new bool[rank][];
        for (int d = 0; d < rank; d++)
        {
            extrapolated[d] = new bool[outShape[d]];
            bool trivialRoi = m.Coordinates != "tf_crop_and_resize" || (roi[d].Start == 0 && roi[d].End == 1);
            if (outShape[d] == inShape[d] && scales[d] == 1 && trivialRoi)
            {
                continue;
            }
            var (idx, w) = Taps(inShape[d], outShape[d], scales[d], outWidth[d], roi[d], m, extrapolated[d]);
            cur = ApplyAxis(cur, curShape, d, outShape[d], idx, w);
            curShape[d] = outShape[d];
        }
        if (extrapolated.Any(e => e.Contains(true)))
        {
            var o = new int[rank];
            for (int i = 0; i < cur.Length; i++, ConvGeometry.Increment(o, outShape))
            {
                for (int d = 0; d < rank; d++)
                {
                    if (extrapolated[d][o[d]])
                    {
                        cur[i] = m.Extrapolation;
                        break;
                    }
                }
            }
        }
        return cur;
    }

    /// <summary>The input coordinate that output index <paramref name="xr"/> maps to.</summary>
    public static double SourceCoordinate(double xr, int lenIn, int lenOut, double scale, double outWidth, (double Start, double End) roi, string mode) => mode switch
    {
        "half_pixel" => (xr + 0.5) / scale - 0.5,
        "half_pixel_symmetric" => lenIn / 2.0 * (1 - lenOut / outWidth) + (xr + 0.5) / scale - 0.5,
        "pytorch_half_pixel" => lenOut > 1 ? (xr + 0.5) / scale - 0.5 : 0,
        // Like ONNX's reference, the real-valued output length (input · scale) is the divisor when resizing by scales.
        "align_corners" => lenOut == 1 ? 0 : xr * (lenIn - 1) / (outWidth - 1),
        "asymmetric" => xr / scale,
        "tf_half_pixel_for_nn" => (xr + 0.5) / scale,
        "tf_crop_and_resize" => lenOut > 1
            ? roi.Start * (lenIn - 1) + xr * (roi.End - roi.Start) * (lenIn - 1) / (outWidth - 1)
            : 0.5 * (roi.Start + roi.End) * (lenIn - 1),
        _ => throw new AxonModelException($"unknown coordinate_transformation_mode '{mode}'", "AXON110"),
    };

    private static (int[][] Idx, double[][] W) Taps(int lenIn, int lenOut, double scale, double outWidth, (double Start, double End) roi, ResampleMode m, bool[] extrapolated)
    {
        var idx = new int[lenOut][];
        var ws = new double[lenOut][];
        for (int j = 0; j < lenOut; j++)
        {
            double xo = SourceCoordinate(j, lenIn, lenOut, scale, outWidth, roi, m.Coordinates);
            if (m.Coordinates == "tf_crop_and_resize" && (xo < 0 || xo > lenIn - 1))
            {
                extrapolated[j] = true;
                idx[j] = [0];
                ws[j] = [0];
                continue;
            }
            if (m.Mode == "nearest")
            {
                idx[j] = [Math.Clamp(Nearest(xo, m.NearestMode, scale), 0, lenIn - 1)];
                ws[j] = [1];
                continue;
            }
            // The base is the sample at or left of xo with ratio in (0, 1]: an integral xo takes ratio 1 (its left neighbour
            // gets weight 0), which keeps the tap layout the same for every position.
            double fl = Math.Floor(xo);
            double ratio = xo - fl;
            if (ratio == 0)
            {
                ratio = 1;
                fl -= 1;
            }
            int b = (int)fl;
            double s = m.Antialias ? Math.Min(scale, 1) : 1;
            bool cubic = m.Mode == "cubic";
            int start = (int)Math.Floor((cubic ? -2 : -1) / s) + 1;
            int n = 2 - 2 * start;
            var ti = new int[n];
            var tw = new double[n];
            double sum = 0;
            for (int t = 0; t < n; t++)
            {
                int i = start + t;
                double arg = (i - ratio) * s;
                double wv = cubic ? CubicKernel(Math.Abs(arg), m.CubicA) : Math.Max(0, 1 - Math.Abs(arg));
                int p = b + i;
                if (m.ExcludeOutside && (p < 0 || p >= lenIn))
                {
                    wv = 0;
                }
                ti[t] = Math.Clamp(p, 0, lenIn - 1);
                tw[t] = wv;
                sum += wv;
            }
            if (m.ExcludeOutside || m.Antialias)
            {
                for (int t = 0; t < n; t++)
                {
                    tw[t] /= sum;
                }
            }
            idx[j] = ti;
            ws[j] = tw;
        }
        return (idx, ws);
    }

    private static int Nearest(double x, string mode, double scale)
    {
        double fl = Math.Floor(x);
        double r = x - fl;
        if (r == 0)
        {
            return (int)fl;
        }
        return mode switch
        {
            "round_prefer_floor" => r <= 0.5 ? (int)fl : (int)fl + 1,
            "round_prefer_ceil" => r < 0.5 ? (int)fl : (int)fl + 1,
            "floor" => (int)fl,
            "ceil" => (int)fl + 1,
            // Pre-opset-11 Resize/Upsample: truncate when upsampling, ceil when downsampling.
            "simple" => scale < 1 ? (int)fl + 1 : (int)fl,
            _ => throw new AxonModelException($"unknown nearest_mode '{mode}'", "AXON110"),
        };
    }

    /// <summary>Keys' cubic convolution kernel with coefficient <paramref name="a"/>, at distance <paramref name="d"/> ≥ 0.</summary>
    public static double CubicKernel(double d, double a)
    {
        if (d <= 1)
        {
            return ((a + 2) * d - (a + 3)) * d * d + 1;
        }
        if (d < 2)
        {
            return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        }
        return 0;
    }

    private static double[] ApplyAxis(double[] x, int[] shape, int axis, int outLen, int[][] idx, double[][] w)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }
        for (int d = axis + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }
        int inLen = shape[axis];
        var y = new double[outer * outLen * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < outLen; j++)
            {
                var ti = idx[j];
                var tw = w[j];
                int yb = (o * outLen + j) * inner;
                for (int t = 0; t < ti.Length; t++)
                {
                    double wt = tw[t];
                    int xb = (o * inLen + ti[t]) * inner;
                    for (int i = 0; i < inner; i++)
                    {
                        y[yb + i] += wt * x[xb + i];
                    }
                }
            }
        }
        return y;
    }
}
