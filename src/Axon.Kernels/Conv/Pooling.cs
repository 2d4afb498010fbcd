using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// MaxPool and AveragePool over NCHW, vectorized along the output width: columns whose window lies inside the input
/// take 8 outputs per vector (stride 1 loads contiguous inputs, larger strides gather), borders a checked scalar loop.
/// One task per (image, channel) plane. Average pooling divides by the in-bounds count, or with count_include_pad by
/// the positions inside the padded input (never the positions ceil_mode adds past the end padding). Max pooling skips
/// NaN inputs and gives NaN only for a window without numbers, as the reference executor does.
/// </summary>
public static unsafe class Pooling
{
    public static void MaxPool(float* x, float* y, PoolGeometry g, WorkerPool? pool = null)
    {
        g.Validate();
        (pool ?? WorkerPool.Default).For(g.N * g.C, new Body { G = g, X = x, Y = y, Max = true });
    }

    public static void AveragePool(float* x, float* y, PoolGeometry g, bool countIncludePad, WorkerPool? pool = null)
    {
        g.Validate();
        if (g.DilationH != 1 || g.DilationW != 1)
        {
            throw new ArgumentException("AveragePool has no dilations");
        }
        (pool ?? WorkerPool.Default).For(g.N * g.C, new Body { G = g, X = x, Y = y, Max = false, IncludePad = countIncludePad });
    }

    public static void MaxPool(ReadOnlySpan<float> x, Span<float> y, PoolGeometry g, WorkerPool? pool = null)
    {
        Check(x, y, g);
        fixed (float* px = x, py = y)
        {
            MaxPool(px, py, g, pool);
        }
    }

    public static void AveragePool(ReadOnlySpan<float> x, Span<float> y, PoolGeometry g, bool countIncludePad, WorkerPool? pool = null)
    {
        Check(x, y, g);
        fixed (float* px = x, py = y)
        {
            AveragePool(px, py, g, countIncludePad, pool);
        }
    }

    private static void Check(ReadOnlySpan<float> x, Span<float> y, PoolGeometry g)
    {
        if (x.Length < g.InputElements || y.Length < g.OutputElements)
        {
            throw new ArgumentException($"pooling needs {g.InputElements} inputs and {g.OutputElements} outputs, got {x.Length} and {y.Length}");
        }
    }

    private struct Body : IParallelBody
    {
        public PoolGeometry G;
        public float* X, Y;
        public bool Max, IncludePad;

        public readonly void Invoke(int plane)
        {
            var g = G;
            float* xp = X + (long)plane * g.H * g.W;
            float* yp = Y + (long)plane * g.OutH * g.OutW;
            for (int i = 0; i < g.OutH; i++)
            {
                Row(g, xp, yp + (long)i * g.OutW, i, Max, IncludePad);
            }
        }
    }

    private static void Row(PoolGeometry g, float* xp, float* yr, int i, bool max, bool includePad)
    {
        int kh = g.KernelH, kw = g.KernelW, h = g.H, w = g.W, sw = g.StrideW, dw = g.DilationW, ow = g.OutW;
        int lo = Math.Min(ow, (g.PadLeft + sw - 1) / sw);
        int hiNum = w - 1 + g.PadLeft - (kw - 1) * dw;
        int hi = hiNum < 0 ? 0 : Math.Min(ow, hiNum / sw + 1);
        if (hi < lo)
        {
            hi = lo;
        }
        int ih0 = i * g.StrideH - g.PadTop;
        if (ConvGemm.Avx2Path && hi - lo >= 8)
        {
            // Window rows inside the input (all the vector path reads) and inside the padded input (the divisor).
            int rowsIn = 0, rowsPadded = 0;
            for (int r = 0; r < kh; r++)
            {
                int ih = ih0 + r * g.DilationH;
                rowsIn += (uint)ih < (uint)h ? 1 : 0;
                rowsPadded += ih < h + g.PadBottom ? 1 : 0;
            }
            var idx = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * sw;
            var scale = Vector256.Create(1f / ((includePad ? rowsPadded : rowsIn) * kw));
            for (int j = lo; ; j += 8)
            {
                if (j + 8 > hi)
                {
                    j = hi - 8;
                }
                var acc = max ? Vector256.Create(float.NegativeInfinity) : Vector256<float>.Zero;
                var seen = Vector256<float>.Zero; // lanes that met a number: all-NaN windows give NaN
                for (int r = 0; r < kh; r++)
                {
                    int ih = ih0 + r * g.DilationH;
                    if ((uint)ih >= (uint)h)
                    {
                        continue;
                    }
                    float* src = xp + (long)ih * w + j * sw - g.PadLeft;
                    for (int s = 0; s < kw; s++, src += dw)
                    {
                        var v = StridedLoad.Load(src, sw, idx);
                        if (max)
                        {
                            // maxps returns its second operand when either is NaN: NaN inputs are skipped.
                            acc = Avx.Max(v, acc);
                            seen = Avx.Or(seen, Avx.CompareOrdered(v, v));
                        }
                        else
                        {
                            acc = Avx.Add(acc, v);
                        }
                    }
                }
                (max ? Avx.BlendVariable(Vector256.Create(float.NaN), acc, seen) : acc * scale).Store(yr + j);
                if (j + 8 >= hi)
                {
                    break;
                }
            }
            Scalar(g, xp, yr, i, 0, lo, max, includePad);
            Scalar(g, xp, yr, i, hi, ow, max, includePad);
            return;
        }
        Scalar(g, xp, yr, i, 0, ow, max, includePad);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Scalar(PoolGeometry g, float* xp, float* yr, int i, int j0, int j1, bool max, bool includePad)
    {
        int ih0 = i * g.StrideH - g.PadTop;
        for (int j = j0; j < j1; j++)
        {
            int iw0 = j * g.StrideW - g.PadLeft;
            float acc = max ? float.NegativeInfinity : 0f;
            int count = 0, padded = 0, numbers = 0;
            for (int r = 0; r < g.KernelH; r++)
            {
                int ih = ih0 + r * g.DilationH;
                bool rowIn = (uint)ih < (uint)g.H;
                bool rowPadded = ih < g.H + g.PadBottom;
                for (int s = 0; s < g.KernelW; s++)
                {
                    int iw = iw0 + s * g.DilationW;
                    if (rowPadded && iw < g.W + g.PadRight)
                    {
                        padded++;
                    }
                    if (rowIn && (uint)iw < (uint)g.W)
                    {
                        float v = xp[(long)ih * g.W + iw];
                        if (!float.IsNaN(v))
                        {
                            numbers++;
                        }
                        acc = max ? (v > acc ? v : acc) : acc + v;
                        count++;
                    }
                }
            }
            yr[j] = max ? (numbers > 0 ? acc : float.NaN) : acc / (includePad ? padded : count);
        }
    }
}
