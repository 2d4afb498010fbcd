namespace Axon.Graph.Reference;

/// <summary>
/// A complex FFT computed in float32 with the mixed-radix (4, 2, 3, 5) Stockham passes and float32 twiddles that NumPy 2's
/// pocketfft uses for complex64 data. The ONNX DFT test data for complex float32 signals comes from <c>np.fft.fft/ifft</c>
/// on complex64, so its exact zeros carry that algorithm's float32 rounding noise (about 2e-7), which no exact transform
/// reproduces; following the same order of float32 operations does. Lengths with other factors are not handled here.
/// </summary>
internal static class Fourier32
{
    private readonly record struct C(float R, float I)
    {
        public static C operator +(C a, C b) => new(a.R + b.R, a.I + b.I);
        public static C operator -(C a, C b) => new(a.R - b.R, a.I - b.I);

        /// <summary>a·w backward, a·conj(w) forward, written out as pocketfft does.</summary>
        public C Twiddle(C w, bool fwd) => fwd
            ? new(R * w.R + I * w.I, I * w.R - R * w.I)
            : new(R * w.R - I * w.I, R * w.I + I * w.R);
    }

    /// <summary>The radices pocketfft picks for n (8s, then 4s, one 2 moved to the front, odd primes), or null if it needs one not implemented here.</summary>
    public static List<int>? Factor(int n)
    {
        var f = new List<int>();
        int len = n;
        if (len <= 1 || (len & 7) == 0)
        {
            return null; // radix 8 is not implemented
        }
        while ((len & 3) == 0)
        {
            f.Add(4);
            len >>= 2;
        }
        if ((len & 1) == 0)
        {
            len >>= 1;
            f.Add(2);
            (f[0], f[^1]) = (f[^1], f[0]);
        }
        for (int d = 3; d * d <= len; d += 2)
        {
            while (len % d == 0)
            {
                f.Add(d);
                len /= d;
            }
        }
        if (len > 1)
        {
            f.Add(len);
        }
        return f.All(p => p is 2 or 3 or 4 or 5) ? f : null;
    }

    /// <summary>Transforms re/im in place (length n, a product of <see cref="Factor"/>'s radices); the inverse is scaled by (float)(1/n).</summary>
    public static void Transform(float[] re, float[] im, bool inverse, List<int> factors)
    {
        int n = re.Length;
        bool fwd = !inverse;
        var p1 = new C[n];
        var p2 = new C[n];
        for (int i = 0; i < n; i++)
        {
            p1[i] = new C(re[i], im[i]);
        }
        int l1 = 1;
        foreach (int ip in factors)
        {
            int l2 = ip * l1, ido = n / l2;
            var wa = Twiddles(n, ip, l1, ido);
            switch (ip)
            {
                case 2: Pass2(ido, l1, p1, p2, wa, fwd); break;
                case 3: Pass3(ido, l1, p1, p2, wa, fwd); break;
                case 4: Pass4(ido, l1, p1, p2, wa, fwd); break;
                default: Pass5(ido, l1, p1, p2, wa, fwd); break;
            }
            (p1, p2) = (p2, p1);
            l1 = l2;
        }
        float fct = inverse ? (float)(1.0 / n) : 1f;
        for (int i = 0; i < n; i++)
        {
            re[i] = inverse ? p1[i].R * fct : p1[i].R;
            im[i] = inverse ? p1[i].I * fct : p1[i].I;
        }
    }

    /// <summary>wa[(j-1)·(ido-1) + i-1] = exp(2πi·j·l1·i/n), computed in double and rounded to float32.</summary>
    private static C[] Twiddles(int n, int ip, int l1, int ido)
    {
        var wa = new C[Math.Max(0, (ip - 1) * (ido - 1))];
        for (int j = 1; j < ip; j++)
        {
            for (int i = 1; i < ido; i++)
            {
                long m = (long)j * l1 * i % n;
                double turn = 2.0 * m / n;
                wa[(j - 1) * (ido - 1) + i - 1] = new C((float)double.CosPi(turn), (float)double.SinPi(turn));
            }
        }
        return wa;
    }

    private static void Pass2(int ido, int l1, C[] cc, C[] ch, C[] wa, bool fwd)
    {
        const int cdim = 2;
        for (int k = 0; k < l1; k++)
        {
            for (int i = 0; i < ido; i++)
            {
                C a = cc[i + ido * (0 + cdim * k)], b = cc[i + ido * (1 + cdim * k)];
                ch[i + ido * (k + l1 * 0)] = a + b;
                ch[i + ido * (k + l1 * 1)] = i == 0 ? a - b : (a - b).Twiddle(wa[i - 1], fwd);
            }
        }
    }

    private static void Pass3(int ido, int l1, C[] cc, C[] ch, C[] wa, bool fwd)
    {
        const int cdim = 3;
        const float tw1r = -0.5f;
        float tw1i = (fwd ? -1 : 1) * 0.8660254037844386f;
        for (int k = 0; k < l1; k++)
        {
            for (int i = 0; i < ido; i++)
            {
                C t0 = cc[i + ido * (0 + cdim * k)], c1 = cc[i + ido * (1 + cdim * k)], c2 = cc[i + ido * (2 + cdim * k)];
                C t1 = c1 + c2, t2 = c1 - c2;
                ch[i + ido * (k + l1 * 0)] = t0 + t1;
                var ca = new C(t0.R + t1.R * tw1r, t0.I + t1.I * tw1r);
                var cb = new C(-(t2.I * tw1i), t2.R * tw1i);
                Store(ch, ido, l1, i, k, 1, ca + cb, wa, fwd);
                Store(ch, ido, l1, i, k, 2, ca - cb, wa, fwd);
            }
        }
    }

    private static void Pass4(int ido, int l1, C[] cc, C[] ch, C[] wa, bool fwd)
    {
        const int cdim = 4;
        for (int k = 0; k < l1; k++)
        {
            for (int i = 0; i < ido; i++)
            {
                C c0 = cc[i + ido * (0 + cdim * k)], c1 = cc[i + ido * (1 + cdim * k)];
                C c2 = cc[i + ido * (2 + cdim * k)], c3 = cc[i + ido * (3 + cdim * k)];
                C t2 = c0 + c2, t1 = c0 - c2, t3 = c1 + c3, t4 = c1 - c3;
                // Rotate t4 by -90° forward, +90° backward.
                t4 = fwd ? new C(t4.I, -t4.R) : new C(-t4.I, t4.R);
                ch[i + ido * (k + l1 * 0)] = t2 + t3;
                Store(ch, ido, l1, i, k, 1, t1 + t4, wa, fwd);
                Store(ch, ido, l1, i, k, 2, t2 - t3, wa, fwd);
                Store(ch, ido, l1, i, k, 3, t1 - t4, wa, fwd);
            }
        }
    }

    private static void Pass5(int ido, int l1, C[] cc, C[] ch, C[] wa, bool fwd)
    {
        const int cdim = 5;
        float sign = fwd ? -1 : 1;
        const float tw1r = 0.30901699437494742f, tw2r = -0.80901699437494742f;
        float tw1i = sign * 0.95105651629515357f, tw2i = sign * 0.58778525229247313f;
        for (int k = 0; k < l1; k++)
        {
            for (int i = 0; i < ido; i++)
            {
                C t0 = cc[i + ido * (0 + cdim * k)];
                C c1 = cc[i + ido * (1 + cdim * k)], c2 = cc[i + ido * (2 + cdim * k)];
                C c3 = cc[i + ido * (3 + cdim * k)], c4 = cc[i + ido * (4 + cdim * k)];
                C t1 = c1 + c4, t4 = c1 - c4, t2 = c2 + c3, t3 = c2 - c3;
                ch[i + ido * (k + l1 * 0)] = new C(t0.R + t1.R + t2.R, t0.I + t1.I + t2.I);
                PartStep5(ch, ido, l1, i, k, 1, 4, tw1r, tw2r, tw1i, tw2i, t0, t1, t2, t3, t4, wa, fwd);
                PartStep5(ch, ido, l1, i, k, 2, 3, tw2r, tw1r, tw2i, -tw1i, t0, t1, t2, t3, t4, wa, fwd);
            }
        }
    }

    private static void PartStep5(C[] ch, int ido, int l1, int i, int k, int u1, int u2, float twar, float twbr, float twai,
        float twbi, C t0, C t1, C t2, C t3, C t4, C[] wa, bool fwd)
    {
        var ca = new C(t0.R + twar * t1.R + twbr * t2.R, t0.I + twar * t1.I + twbr * t2.I);
        var cb = new C(-(twai * t4.I + twbi * t3.I), twai * t4.R + twbi * t3.R);
        Store(ch, ido, l1, i, k, u1, ca + cb, wa, fwd);
        Store(ch, ido, l1, i, k, u2, ca - cb, wa, fwd);
    }

    /// <summary>Writes output u of a butterfly, twiddled unless it is the first element of its block.</summary>
    private static void Store(C[] ch, int ido, int l1, int i, int k, int u, C v, C[] wa, bool fwd) =>
        ch[i + ido * (k + l1 * u)] = i == 0 ? v : v.Twiddle(wa[(u - 1) * (ido - 1) + i - 1], fwd);
}
