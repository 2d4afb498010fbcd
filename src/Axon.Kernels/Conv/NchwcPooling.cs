using System.Runtime.Intrinsics;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// MaxPool, AveragePool and GlobalAveragePool in the blocked layout (<see cref="Nchwc"/>): the 16 channels of a pixel
/// are two vectors, so a window reduces whole vectors with no gathers. <see cref="PoolGeometry.C"/> is the real channel
/// count; input and output are [N, ceil(C/16), H, W, 16]. One work item per (image, block, output row). Max pooling
/// starts from -∞ and uses the hardware max (a NaN in a window is not reliably propagated, as in ONNX Runtime's MLAS;
/// the reference propagates every NaN); average pooling divides as
/// <see cref="Pooling"/> does.
/// </summary>
public static unsafe class NchwcPooling
{
    public static void MaxPool(float* x, float* y, PoolGeometry g, WorkerPool? pool = null)
    {
        g.Validate();
        (pool ?? WorkerPool.Default).For(g.N * Nchwc.Blocks(g.C) * g.OutH, new Body { G = g, X = x, Y = y, Max = true });
    }

    public static void AveragePool(float* x, float* y, PoolGeometry g, bool countIncludePad, WorkerPool? pool = null)
    {
        g.Validate();
        if (g.DilationH != 1 || g.DilationW != 1)
        {
            throw new ArgumentException("AveragePool has no dilations");
        }
        (pool ?? WorkerPool.Default).For(g.N * Nchwc.Blocks(g.C) * g.OutH, new Body { G = g, X = x, Y = y, IncludePad = countIncludePad });
    }

    /// <summary>x blocked [n, ceil(c/16), plane, 16] to y plain [n, c]: the mean of each channel's plane.</summary>
    public static void GlobalAverage(float* x, float* y, int n, int c, int plane, WorkerPool? pool = null)
    {
        if (plane < 1)
        {
            throw new ArgumentException("global pooling needs a non-empty plane");
        }
        var body = new GlobalBody { X = x, Y = y, C = c, Plane = plane };
        int items = n * Nchwc.Blocks(c);
        // The usual 7×7 head is too small to wake the pool for.
        if ((long)items * plane < 65536)
        {
            for (int i = 0; i < items; i++)
            {
                body.Invoke(i);
            }
            return;
        }
        (pool ?? WorkerPool.Default).For(items, body);
    }

    private struct Body : IParallelBody
    {
        public PoolGeometry G;
        public float* X, Y;
        public bool Max, IncludePad;

        public readonly void Invoke(int index)
        {
            var g = G;
            int oh = index % g.OutH;
            int plane = index / g.OutH;
            float* xb = X + (long)plane * g.H * g.W * Nchwc.Block;
            float* yb = Y + ((long)plane * g.OutH + oh) * g.OutW * Nchwc.Block;
            int ih0 = oh * g.StrideH - g.PadTop;
            var (khLo, khHi) = NchwcConv.TapRange(ih0, g.H, g.KernelH, g.DilationH);
            // count_include_pad counts the window's positions inside the padded input (not past the end padding).
            int padRows = Math.Min(ih0 + (g.KernelH - 1) * g.DilationH, g.H + g.PadBottom - 1) - Math.Max(ih0, -g.PadTop) + 1;
            Span<float> acc = stackalloc float[Nchwc.Block];
            // Columns whose whole window lies inside the row skip the clipping (two divisions per pixel otherwise).
            int owLo = Math.Min(g.OutW, (g.PadLeft + g.StrideW - 1) / g.StrideW);
            int lastStart = g.W - 1 - (g.KernelW - 1) * g.DilationW + g.PadLeft; // the largest ow·stride with a whole window
            int owHi = lastStart < 0 ? owLo : Math.Max(owLo, Math.Min(g.OutW, lastStart / g.StrideW + 1));
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int iw0 = ow * g.StrideW - g.PadLeft;
                var (kwLo, kwHi) = ow >= owLo && ow < owHi ? (0, g.KernelW) : NchwcConv.TapRange(iw0, g.W, g.KernelW, g.DilationW);
                float* yp = yb + ow * Nchwc.Block;
                if (Vector256.IsHardwareAccelerated)
                {
                    var a0 = Vector256.Create(Max ? float.NegativeInfinity : 0f);
                    var a1 = a0;
                    for (int kh = khLo; kh < khHi; kh++)
                    {
                        float* row = xb + ((long)(ih0 + kh * g.DilationH) * g.W + iw0) * Nchwc.Block;
                        for (int kw = kwLo; kw < kwHi; kw++)
                        {
                            float* p = row + kw * g.DilationW * Nchwc.Block;
                            var v0 = Vector256.Load(p);
                            var v1 = Vector256.Load(p + 8);
                            if (Max)
                            {
                                // The native max (one vmaxps): Vector256.Max's IEEE NaN and ±0 handling costs several
                                // instructions per element and made this pool ~3× slower than ORT's.
                                a0 = Vector256.MaxNative(a0, v0);
                                a1 = Vector256.MaxNative(a1, v1);
                            }
                            else
                            {
                                a0 += v0;
                                a1 += v1;
                            }
                        }
                    }
                    if (!Max)
                    {
                        var d = Vector256.Create(1f / Divisor(khHi - khLo, kwLo, kwHi, padRows, iw0));
                        a0 *= d;
                        a1 *= d;
                    }
                    a0.Store(yp);
                    a1.Store(yp + 8);
                    continue;
                }
                acc.Fill(Max ? float.NegativeInfinity : 0f);
                for (int kh = khLo; kh < khHi; kh++)
                {
                    float* row = xb + ((long)(ih0 + kh * g.DilationH) * g.W + iw0) * Nchwc.Block;
                    for (int kw = kwLo; kw < kwHi; kw++)
                    {
                        float* p = row + kw * g.DilationW * Nchwc.Block;
                        for (int l = 0; l < Nchwc.Block; l++)
                        {
                            acc[l] = Max ? MathF.Max(acc[l], p[l]) : acc[l] + p[l];
                        }
                    }
                }
                float scale = Max ? 1f : 1f / Divisor(khHi - khLo, kwLo, kwHi, padRows, iw0);
                for (int l = 0; l < Nchwc.Block; l++)
                {
                    yp[l] = Max ? acc[l] : acc[l] * scale;
                }
            }
        }

        private readonly float Divisor(int rows, int kwLo, int kwHi, int padRows, int iw0)
        {
            if (!IncludePad)
            {
                return Math.Max(1, rows * (kwHi - kwLo));
            }
            var g = G;
            int padCols = Math.Min(iw0 + g.KernelW - 1, g.W + g.PadRight - 1) - Math.Max(iw0, -g.PadLeft) + 1;
            return Math.Max(1, padRows * padCols);
        }
    }

    private struct GlobalBody : IParallelBody
    {
        public float* X, Y;
        public int C, Plane;

        public readonly void Invoke(int index)
        {
            int blocks = Nchwc.Blocks(C);
            int n = index / blocks, cb = index % blocks;
            float* xb = X + (long)index * Plane * Nchwc.Block;
            Span<float> sum = stackalloc float[Nchwc.Block];
            if (Vector256.IsHardwareAccelerated)
            {
                var a0 = Vector256<float>.Zero;
                var a1 = a0;
                for (int p = 0; p < Plane; p++)
                {
                    a0 += Vector256.Load(xb + p * Nchwc.Block);
                    a1 += Vector256.Load(xb + p * Nchwc.Block + 8);
                }
                a0.CopyTo(sum);
                a1.CopyTo(sum[8..]);
            }
            else
            {
                sum.Clear();
                for (int p = 0; p < Plane; p++)
                {
                    for (int l = 0; l < Nchwc.Block; l++)
                    {
                        sum[l] += xb[p * Nchwc.Block + l];
                    }
                }
            }
            int lanes = Math.Min(Nchwc.Block, C - cb * Nchwc.Block);
            for (int l = 0; l < lanes; l++)
            {
                Y[(long)n * C + cb * Nchwc.Block + l] = sum[l] / Plane;
            }
        }
    }
}
