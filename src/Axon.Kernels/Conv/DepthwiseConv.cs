using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// Depthwise convolution (one KH×KW filter per channel), direct: per output row, the columns whose whole window lies
/// inside the input run 8 outputs per vector with every tap accumulated in a register (stride 1 loads contiguous
/// inputs, larger strides gather); the few border columns and the padded rows take a checked scalar loop. One task per
/// (image, channel) plane.
/// </summary>
internal static unsafe class DepthwiseConv
{
    public static void Run(ConvGeometry g, float* x, float* w, float* y, in GemmEpilogue ep, WorkerPool pool)
    {
        pool.For(g.N * g.C, new Body { G = g, X = x, Wt = w, Y = y, Ep = ep });
    }

    private struct Body : IParallelBody
    {
        public ConvGeometry G;
        public float* X, Wt, Y;
        public GemmEpilogue Ep;

        public readonly void Invoke(int plane)
        {
            var g = G;
            int c = plane % g.C;
            int oh = g.OutH, ow = g.OutW;
            long p = (long)oh * ow;
            var ep = Ep;
            if (ep.Residual is not null)
            {
                ep.Residual += plane * p;
                ep.ResidualStride = ow;
            }
            if (ep.BiasM is not null)
            {
                ep.BiasM += c;
            }
            float* xp = X + (long)plane * g.H * g.W;
            float* yp = Y + plane * p;
            float* wc = Wt + (long)c * g.KernelH * g.KernelW;
            for (int i = 0; i < oh; i++)
            {
                float* yr = yp + (long)i * ow;
                Row(g, xp, wc, yr, i);
                if (!ep.IsIdentity)
                {
                    // Row index 0 with the channel's bias and this row's residual pre-offset.
                    var rowEp = ep;
                    if (rowEp.Residual is not null)
                    {
                        rowEp.Residual += (long)i * ow;
                    }
                    EpilogueOps.ApplyRow(yr, 0, 0, ow, rowEp);
                }
            }
        }
    }

    private static void Row(ConvGeometry g, float* xp, float* wc, float* yr, int i)
    {
        int kh = g.KernelH, kw = g.KernelW, h = g.H, w = g.W, sw = g.StrideW, dw = g.DilationW;
        int ow = g.OutW;
        // Output columns whose whole window lies inside [0, w).
        int lo = Math.Min(ow, (g.PadLeft + sw - 1) / sw);
        int hiNum = w - 1 + g.PadLeft - (kw - 1) * dw;
        int hi = hiNum < 0 ? 0 : Math.Min(ow, hiNum / sw + 1);
        if (hi < lo)
        {
            hi = lo;
        }
        int ih0 = i * g.StrideH - g.PadTop;
        int j = lo;
        if (ConvGemm.Avx2Path && hi - lo >= 8)
        {
            var idx = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * sw;
            for (; ; j += 8)
            {
                if (j + 8 > hi)
                {
                    j = hi - 8; // overlap the last vector: the kernel stores, never accumulates
                }
                var acc = Vector256<float>.Zero;
                for (int r = 0; r < kh; r++)
                {
                    int ih = ih0 + r * g.DilationH;
                    if ((uint)ih >= (uint)h)
                    {
                        continue;
                    }
                    float* src = xp + (long)ih * w + j * sw - g.PadLeft;
                    float* wr = wc + r * kw;
                    for (int s = 0; s < kw; s++, src += dw)
                    {
                        var v = StridedLoad.Load(src, sw, idx);
                        acc = Fma.MultiplyAdd(Vector256.Create(wr[s]), v, acc);
                    }
                }
                acc.Store(yr + j);
                if (j + 8 >= hi)
                {
                    break;
                }
            }
            Scalar(g, xp, wc, yr, i, 0, lo);
            Scalar(g, xp, wc, yr, i, hi, ow);
            return;
        }
        Scalar(g, xp, wc, yr, i, 0, ow);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Scalar(ConvGeometry g, float* xp, float* wc, float* yr, int i, int j0, int j1)
    {
        int ih0 = i * g.StrideH - g.PadTop;
        for (int j = j0; j < j1; j++)
        {
            float acc = 0;
            int iw0 = j * g.StrideW - g.PadLeft;
            for (int r = 0; r < g.KernelH; r++)
            {
                int ih = ih0 + r * g.DilationH;
                if ((uint)ih >= (uint)g.H)
                {
                    continue;
                }
                float* src = xp + (long)ih * g.W;
                for (int s = 0; s < g.KernelW; s++)
                {
                    int iw = iw0 + s * g.DilationW;
                    if ((uint)iw < (uint)g.W)
                    {
                        acc += wc[r * g.KernelW + s] * src[iw];
                    }
                }
            }
            yr[j] = acc;
        }
    }
}
