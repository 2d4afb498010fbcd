using Axon.Kernels.Conv;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests.Conv;

public sealed class ConvTests
{
    internal static float[] Random(long n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (long i = 0; i < n; i++)
        {
            a[i] = (float)(r.NextDouble() * 2 - 1);
        }
        return a;
    }

    private static double[] Naive(ConvGeometry g, float[] x, float[] w, float[]? bias, float[]? res, bool relu)
    {
        int oh = g.OutH, ow = g.OutW;
        var y = new double[g.OutputElements];
        for (int n = 0; n < g.N; n++)
        {
            for (int k = 0; k < g.K; k++)
            {
                int grp = k / g.Kg;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double s = bias is null ? 0 : bias[k];
                        for (int c = 0; c < g.Cg; c++)
                        {
                            int ci = grp * g.Cg + c;
                            for (int r = 0; r < g.KernelH; r++)
                            {
                                int ih = i * g.StrideH - g.PadTop + r * g.DilationH;
                                for (int q = 0; q < g.KernelW; q++)
                                {
                                    int iw = j * g.StrideW - g.PadLeft + q * g.DilationW;
                                    if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W)
                                    {
                                        continue;
                                    }
                                    s += (double)x[((n * g.C + ci) * g.H + ih) * g.W + iw]
                                        * w[((k * g.Cg + c) * g.KernelH + r) * g.KernelW + q];
                                }
                            }
                        }
                        long o = ((long)(n * g.K + k) * oh + i) * ow + j;
                        if (res is not null)
                        {
                            s += res[o];
                        }
                        y[o] = relu ? Math.Max(0, s) : s;
                    }
                }
            }
        }
        return y;
    }

    private static void Check(ConvGeometry g, bool bias, bool residual, bool relu, WorkerPool? pool = null)
    {
        var x = Random(g.InputElements, 11);
        var w = Random(g.WeightElements, 12);
        var b = bias ? Random(g.K, 13) : null;
        var res = residual ? Random(g.OutputElements, 14) : null;
        var expected = Naive(g, x, w, b, res, relu);
        var y = new float[g.OutputElements];
        Array.Fill(y, float.NaN);
        using var packed = ConvWeights.Pack(w, g);
        Conv2d.Run(x, packed, y, b, res, relu ? Activation.Relu : Activation.None, pool: pool);
        double tol = 1e-5 * Math.Sqrt(g.ColumnRows) + 1e-5;
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - y[i]) <= tol * (1 + Math.Abs(expected[i])), $"{g}: element {i}: {y[i]} vs {expected[i]}");
        }
    }

    [Theory]
    // n, c, h, w, k, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, group
    [InlineData(1, 3, 23, 21, 17, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1)] // 7x7 stride-2 pad-3 stem, odd sizes
    [InlineData(2, 17, 9, 11, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1)] // 3x3 stride 1, batch 2
    [InlineData(1, 16, 15, 13, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1)] // 3x3 stride 2
    [InlineData(2, 17, 7, 9, 13, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1)] // pointwise 1x1 (in-place B panels + tails)
    [InlineData(1, 3, 33, 37, 5, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1)] // 1x1 stride 2 (projection shortcut)
    [InlineData(1, 40, 32, 32, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1)] // 1x1 on 4 KiB planes: packed, not read in place
    [InlineData(1, 1, 12, 14, 1, 3, 3, 1, 1, 0, 2, 1, 0, 1, 1, 1)] // one channel, asymmetric pads
    [InlineData(1, 6, 13, 12, 10, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 2)] // group 2, dilation 2
    [InlineData(2, 12, 8, 8, 12, 3, 5, 1, 2, 1, 2, 0, 1, 1, 1, 3)] // group 3, non-square kernel
    [InlineData(1, 80, 6, 5, 100, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1)] // depth 720 > one block, K > one channel block
    [InlineData(1, 4, 3, 40, 7, 1, 5, 1, 1, 0, 2, 0, 2, 1, 3, 1)] // wide rows, dilated width
    [InlineData(2, 129, 5, 7, 17, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1)] // 1x1 stride 2 as SGEMM, batch 2, awkward channels
    [InlineData(3, 3, 1, 17, 129, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1)] // 1x1 as SGEMM, K=129 over 17 pixels
    public void MatchesNaiveConvolution(int n, int c, int h, int w, int k, int kh, int kw, int sh, int sw,
        int pt, int pl, int pb, int pr, int dh, int dw, int group)
    {
        var g = new ConvGeometry(n, c, h, w, k, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, group);
        Check(g, false, false, false);
        Check(g, true, true, true);
    }

    [Theory]
    [InlineData(1, 17, 11, 13, 3, 3, 1, 1, 1)]
    [InlineData(2, 8, 19, 20, 3, 3, 2, 1, 1)]
    [InlineData(1, 3, 16, 33, 5, 5, 1, 2, 1)]
    [InlineData(1, 5, 21, 29, 3, 3, 2, 1, 2)]
    [InlineData(1, 4, 7, 9, 7, 7, 1, 3, 1)]
    [InlineData(1, 3, 40, 41, 3, 3, 1, 0, 1)]
    public void DepthwiseMatchesNaive(int n, int c, int h, int w, int kh, int kw, int stride, int pad, int dil)
    {
        var g = new ConvGeometry(n, c, h, w, c, kh, kw, stride, stride, pad, pad, pad + 1, pad, dil, dil, c);
        Assert.True(g.IsDepthwise);
        Check(g, false, false, false);
        Check(g, true, true, true);
    }

    [Fact]
    public void Conv1dIsTheHeightOneCase()
    {
        Check(ConvGeometry.Conv1d(2, 5, 50, 7, 3, stride: 2, padBegin: 1, padEnd: 2, dilation: 2), true, false, true);
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        var g = new ConvGeometry(2, 24, 30, 30, 40, 3, 3, 1, 1, 1, 1, 1, 1);
        var x = Random(g.InputElements, 1);
        var w = Random(g.WeightElements, 2);
        using var packed = ConvWeights.Pack(w, g);
        var y1 = new float[g.OutputElements];
        var y3 = new float[g.OutputElements];
        using var pool3 = new WorkerPool(3);
        Conv2d.Run(x, packed, y1, pool: WorkerPool.Inline);
        Conv2d.Run(x, packed, y3, pool: pool3);
        Assert.Equal(y1, y3);
    }

    [Fact]
    public void ReportsTheTierThatRuns()
    {
        // CI runs this project again with DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0.
        bool avx2Allowed = Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") != "0"
            && Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") != "0";
        if (!avx2Allowed)
        {
            Assert.Equal(KernelTier.Scalar, Conv2d.Tier);
        }
        else if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            Assert.Equal(CpuFeatures.Avx512 ? KernelTier.Avx512 : KernelTier.Avx2, Conv2d.Tier);
        }
    }
}
