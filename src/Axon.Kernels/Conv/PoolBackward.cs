using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// Gradients of 2-D pooling for training. MaxPool: each output gradient goes to the first maximum of its window in X
/// (the reference op's choice); AveragePool: each output gradient is spread over the window. One task per (n, c) plane.
/// </summary>
public static unsafe class PoolBackward
{
    /// <summary>dX = scatter of dY to each window's first maximum (dX overwritten).</summary>
    public static void MaxPoolGrad(float* x, float* dy, float* dx, PoolGeometry g, WorkerPool? pool = null)
    {
        g.Validate();
        new Span<float>(dx, checked((int)g.InputElements)).Clear();
        (pool ?? WorkerPool.Default).For(g.N * g.C, new Body { G = g, X = x, Dy = dy, Dx = dx });
    }

    /// <summary>The common 2×2, stride-2, unpadded window: no bounds checks, ties go to the first position in row order.</summary>
    private static void Window2x2(PoolGeometry g, float* xp, float* dyp, float* dxp)
    {
        int w = g.W;
        for (int i = 0; i < g.OutH; i++)
        {
            float* r0 = xp + (long)(2 * i) * w;
            float* r1 = r0 + w;
            float* d0 = dxp + (long)(2 * i) * w;
            float* d1 = d0 + w;
            float* gy = dyp + (long)i * g.OutW;
            for (int j = 0; j < g.OutW; j++)
            {
                int c = 2 * j;
                float a = r0[c], b = r0[c + 1], e = r1[c], f = r1[c + 1];
                float* target = d0 + c;
                float best = a;
                if (b > best || float.IsNaN(best))
                {
                    best = b;
                    target = d0 + c + 1;
                }
                if (e > best || float.IsNaN(best))
                {
                    best = e;
                    target = d1 + c;
                }
                if (f > best || float.IsNaN(best))
                {
                    target = d1 + c + 1;
                }
                *target += gy[j];
            }
        }
    }

    private struct Body : IParallelBody
    {
        public PoolGeometry G;
        public float* X, Dy, Dx;

        public readonly void Invoke(int plane)
        {
            var g = G;
            float* xp = X + (long)plane * g.H * g.W;
            float* dxp = Dx + (long)plane * g.H * g.W;
            float* dyp = Dy + (long)plane * g.OutH * g.OutW;
            if (g.KernelH == 2 && g.KernelW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadTop == 0 && g.PadLeft == 0
                && g.DilationH == 1 && g.DilationW == 1 && 2 * g.OutH <= g.H && 2 * g.OutW <= g.W)
            {
                Window2x2(g, xp, dyp, dxp);
                return;
            }
            for (int i = 0; i < g.OutH; i++)
            {
                int ih0 = i * g.StrideH - g.PadTop;
                for (int j = 0; j < g.OutW; j++)
                {
                    int iw0 = j * g.StrideW - g.PadLeft;
                    float best = float.NegativeInfinity;
                    int arg = -1;
                    for (int r = 0; r < g.KernelH; r++)
                    {
                        int ih = ih0 + r * g.DilationH;
                        if ((uint)ih >= (uint)g.H)
                        {
                            continue;
                        }
                        float* row = xp + (long)ih * g.W;
                        for (int c = 0; c < g.KernelW; c++)
                        {
                            int iw = iw0 + c * g.DilationW;
                            if ((uint)iw >= (uint)g.W)
                            {
                                continue;
                            }
                            float v = row[iw];
                            if (v > best || arg < 0 && !float.IsNaN(v))
                            {
                                best = v;
                                arg = ih * g.W + iw;
                            }
                        }
                    }
                    if (arg >= 0)
                    {
                        dxp[arg] += dyp[i * g.OutW + j];
                    }
                }
            }
        }
    }
}
