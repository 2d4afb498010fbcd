namespace Axon.Graph.Reference;

/// <summary>A direct O(N²) discrete Fourier transform in double; exact enough to serve as the reference for DFT and STFT.</summary>
internal static class Fourier
{
    /// <summary>
    /// Transforms one complex signal of length N (= re.Length), writing the first <paramref name="bins"/> outputs.
    /// The inverse transform divides by N.
    /// </summary>
    public static void Transform(ReadOnlySpan<double> re, ReadOnlySpan<double> im, bool inverse, int bins, Span<double> outRe, Span<double> outIm)
    {
        int n = re.Length;
        double sign = inverse ? 1 : -1;
        for (int k = 0; k < bins; k++)
        {
            double sr = 0, si = 0;
            for (int t = 0; t < n; t++)
            {
                // Reduce k·t modulo N first so the angle stays small and the twiddle exact.
                double angle = sign * 2 * Math.PI * (int)((long)k * t % n) / n;
                double c = Math.Cos(angle), s = Math.Sin(angle);
                sr += re[t] * c - im[t] * s;
                si += re[t] * s + im[t] * c;
            }
            outRe[k] = inverse ? sr / n : sr;
            outIm[k] = inverse ? si / n : si;
        }
    }
}
