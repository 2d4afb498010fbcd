using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// Gradients of the NCHW convolution on the shared SGEMM, for training. Per image and group, the input window matrix
/// ("columns", [Cg·KH·KW, OH·OW]) is built in a per-thread scratch buffer: the weight gradient is
/// dW += dY_n·colsᵀ, the input gradient is col2im(Wᵀ·dY_n). Nothing is allocated per call beyond GEMM packing
/// buffers, which come from the buffer pool.
/// </summary>
public static unsafe class ConvBackward
{
    /// <summary>The scratch slot of the columns buffer (distinct from the GEMM's and the forward convolution's).</summary>
    private const int ColumnsSlot = 3;

    /// <summary>dW[K, Cg, KH, KW] = Σ_n dY[n]·im2col(X[n])ᵀ (overwrites dW).</summary>
    public static void GradWeight(ConvGeometry g, float* x, float* dy, float* dw, WorkerPool? pool = null)
    {
        g.Validate();
        pool ??= WorkerPool.Default;
        int ckk = g.ColumnRows, ohw = g.OutH * g.OutW;
        long inPlane = (long)g.H * g.W;
        if (g.N == 0 || ohw == 0)
        {
            new Span<float>(dw, checked((int)g.WeightElements)).Clear();
            return;
        }
        float* cols = ThreadScratch.Floats(ColumnsSlot, (long)ckk * ohw);
        for (int n = 0; n < g.N; n++)
        {
            for (int grp = 0; grp < g.Group; grp++)
            {
                Im2Col(g, x + ((long)n * g.C + (long)grp * g.Cg) * inPlane, cols);
                float* dyBlock = dy + ((long)n * g.K + (long)grp * g.Kg) * ohw;
                Sgemm.Multiply(g.Kg, ckk, ohw, 1f, dyBlock, ohw, false, cols, ohw, true, n == 0 ? 0f : 1f,
                    dw + (long)grp * g.Kg * ckk, ckk, default, pool);
            }
        }
    }

    /// <summary>dX[N, C, H, W] = col2im(Wᵀ·dY[n]) per image (overwrites dX).</summary>
    public static void GradInput(ConvGeometry g, float* w, float* dy, float* dx, WorkerPool? pool = null)
    {
        g.Validate();
        pool ??= WorkerPool.Default;
        int ckk = g.ColumnRows, ohw = g.OutH * g.OutW;
        long inPlane = (long)g.H * g.W;
        new Span<float>(dx, checked((int)g.InputElements)).Clear();
        if (ohw == 0)
        {
            return;
        }
        float* cols = ThreadScratch.Floats(ColumnsSlot, (long)ckk * ohw);
        for (int n = 0; n < g.N; n++)
        {
            for (int grp = 0; grp < g.Group; grp++)
            {
                float* dyBlock = dy + ((long)n * g.K + (long)grp * g.Kg) * ohw;
                Sgemm.Multiply(ckk, ohw, g.Kg, 1f, w + (long)grp * g.Kg * ckk, ckk, true, dyBlock, ohw, false, 0f, cols, ohw, default, pool);
                Col2Im(g, cols, dx + ((long)n * g.C + (long)grp * g.Cg) * inPlane);
            }
        }
    }

    /// <summary>dB[K] = Σ over n, h, w of dY[n, k, h, w].</summary>
    public static void GradBias(float* dy, float* db, int n, int k, int plane)
    {
        for (int c = 0; c < k; c++)
        {
            float s = 0;
            for (int i = 0; i < n; i++)
            {
                s += System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<float>(dy + ((long)i * k + c) * plane, plane));
            }
            db[c] = s;
        }
    }

    /// <summary>cols[(c·KH + kh)·KW + kw, oh·OW + ow] = x[c, oh·sh - pt + kh·dh, ow·sw - pl + kw·dw] (0 outside).</summary>
    internal static void Im2Col(ConvGeometry g, float* x, float* cols)
    {
        int oh = g.OutH, ow = g.OutW;
        long ohw = (long)oh * ow;
        for (int c = 0; c < g.Cg; c++)
        {
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    float* row = cols + ((long)(c * g.KernelH + kh) * g.KernelW + kw) * ohw;
                    int offW = kw * g.DilationW - g.PadLeft;
                    ValidRange(offW, g.StrideW, g.W, ow, out int ow0, out int ow1);
                    for (int y = 0; y < oh; y++)
                    {
                        float* dst = row + (long)y * ow;
                        int ih = y * g.StrideH - g.PadTop + kh * g.DilationH;
                        if (ih < 0 || ih >= g.H || ow0 >= ow1)
                        {
                            new Span<float>(dst, ow).Clear();
                            continue;
                        }
                        float* src = x + ((long)c * g.H + ih) * g.W;
                        new Span<float>(dst, ow0).Clear();
                        if (g.StrideW == 1)
                        {
                            new ReadOnlySpan<float>(src + ow0 + offW, ow1 - ow0).CopyTo(new Span<float>(dst + ow0, ow1 - ow0));
                        }
                        else
                        {
                            for (int j = ow0; j < ow1; j++)
                            {
                                dst[j] = src[j * g.StrideW + offW];
                            }
                        }
                        new Span<float>(dst + ow1, ow - ow1).Clear();
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: adds every column entry back into x (which the caller cleared).</summary>
    internal static void Col2Im(ConvGeometry g, float* cols, float* x)
    {
        int oh = g.OutH, ow = g.OutW;
        long ohw = (long)oh * ow;
        for (int c = 0; c < g.Cg; c++)
        {
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    float* row = cols + ((long)(c * g.KernelH + kh) * g.KernelW + kw) * ohw;
                    int offW = kw * g.DilationW - g.PadLeft;
                    ValidRange(offW, g.StrideW, g.W, ow, out int ow0, out int ow1);
                    if (ow0 >= ow1)
                    {
                        continue;
                    }
                    for (int y = 0; y < oh; y++)
                    {
                        int ih = y * g.StrideH - g.PadTop + kh * g.DilationH;
                        if (ih < 0 || ih >= g.H)
                        {
                            continue;
                        }
                        float* src = row + (long)y * ow;
                        float* dst = x + ((long)c * g.H + ih) * g.W;
                        if (g.StrideW == 1)
                        {
                            var d = new Span<float>(dst + ow0 + offW, ow1 - ow0);
                            System.Numerics.Tensors.TensorPrimitives.Add(d, new ReadOnlySpan<float>(src + ow0, ow1 - ow0), d);
                        }
                        else
                        {
                            for (int j = ow0; j < ow1; j++)
                            {
                                dst[j * g.StrideW + offW] += src[j];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output columns j in [j0, j1) whose input column j·stride + off lies inside [0, width).</summary>
    private static void ValidRange(int off, int stride, int width, int outW, out int j0, out int j1)
    {
        j0 = off >= 0 ? 0 : (-off + stride - 1) / stride;
        int last = width - 1 - off;
        j1 = last < 0 ? 0 : Math.Min(outW, last / stride + 1);
        j0 = Math.Min(j0, j1);
    }
}
