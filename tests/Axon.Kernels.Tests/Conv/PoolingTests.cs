using Axon.Kernels.Conv;

namespace Axon.Kernels.Tests.Conv;

public sealed class PoolingTests
{
    private static double[] Naive(PoolGeometry g, float[] x, bool max, bool includePad)
    {
        int oh = g.OutH, ow = g.OutW;
        var y = new double[g.OutputElements];
        for (int p = 0; p < g.N * g.C; p++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    int count = 0, padded = 0, numbers = 0;
                    for (int r = 0; r < g.KernelH; r++)
                    {
                        for (int q = 0; q < g.KernelW; q++)
                        {
                            int ih = i * g.StrideH - g.PadTop + r * g.DilationH;
                            int iw = j * g.StrideW - g.PadLeft + q * g.DilationW;
                            if (ih < g.H + g.PadBottom && iw < g.W + g.PadRight)
                            {
                                padded++;
                            }
                            if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W)
                            {
                                continue;
                            }
                            double v = x[(p * g.H + ih) * g.W + iw];
                            numbers += double.IsNaN(v) ? 0 : 1;
                            acc = max ? (v > acc ? v : acc) : acc + v;
                            count++;
                        }
                    }
                    y[(p * oh + i) * ow + j] = max ? (numbers > 0 ? acc : double.NaN) : acc / (includePad ? padded : count);
                }
            }
        }
        return y;
    }

    [Theory]
    // n, c, h, w, kh, kw, sh, sw, pt, pl, pb, pr, dil, ceil
    [InlineData(1, 3, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 1, false)] // ResNet stem pool
    [InlineData(2, 1, 17, 19, 3, 3, 2, 2, 0, 0, 0, 0, 1, true)]
    [InlineData(1, 2, 20, 31, 2, 2, 2, 2, 0, 0, 0, 0, 1, false)]
    [InlineData(1, 3, 15, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, false)]
    [InlineData(1, 2, 14, 33, 3, 2, 2, 3, 1, 0, 2, 1, 1, true)] // asymmetric pads, ceil mode
    [InlineData(1, 2, 13, 37, 5, 5, 3, 3, 2, 2, 2, 2, 1, true)]
    public void MatchesNaivePooling(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr,
        int dil, bool ceil)
    {
        var g = new PoolGeometry(n, c, h, w, kh, kw, sh, sw, pt, pl, pb, pr, dil, dil, ceil);
        var x = ConvTests.Random(g.InputElements, 5);
        var y = new float[g.OutputElements];
        Pooling.MaxPool(x, y, g);
        AssertClose(Naive(g, x, true, false), y);
        Pooling.AveragePool(x, y, g, countIncludePad: false);
        AssertClose(Naive(g, x, false, false), y);
        Pooling.AveragePool(x, y, g, countIncludePad: true);
        AssertClose(Naive(g, x, false, true), y);
    }

    [Theory]
    [InlineData(1, 2, 30, 35, 3, 2, 2, 1)]
    [InlineData(1, 1, 40, 41, 2, 3, 1, 0)]
    public void DilatedMaxPool(int n, int c, int h, int w, int k, int dil, int stride, int pad)
    {
        var g = new PoolGeometry(n, c, h, w, k, k, stride, stride, pad, pad, pad, pad, dil, dil);
        var x = ConvTests.Random(g.InputElements, 6);
        var y = new float[g.OutputElements];
        Pooling.MaxPool(x, y, g);
        AssertClose(Naive(g, x, true, false), y);
    }

    [Fact]
    public void MaxPoolSkipsNaNsLikeTheReference()
    {
        var g = new PoolGeometry(1, 1, 6, 40, 2, 2, 1, 2, 0, 1, 0, 1);
        var x = ConvTests.Random(g.InputElements, 8);
        for (int i = 0; i < x.Length; i += 3)
        {
            x[i] = float.NaN;
        }
        // One window (rows 0-1, columns 19-20, output column 10 with the left pad) of NaNs only.
        x[19] = x[20] = x[59] = x[60] = float.NaN;
        var y = new float[g.OutputElements];
        Pooling.MaxPool(x, y, g);
        var expected = Naive(g, x, true, false);
        Assert.True(float.IsNaN(y[10]));
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(double.IsNaN(expected[i]) ? float.IsNaN(y[i]) : expected[i] == y[i], $"element {i}: {y[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void CeilModeOutputSizes()
    {
        // 5 wide, kernel 2, stride 2: floor 2 windows, ceil 3; a last window starting in the end padding is dropped.
        Assert.Equal(2, new PoolGeometry(1, 1, 1, 5, 1, 2, 1, 2).OutW);
        Assert.Equal(3, new PoolGeometry(1, 1, 1, 5, 1, 2, 1, 2, CeilMode: true).OutW);
        Assert.Equal(2, new PoolGeometry(1, 1, 1, 4, 1, 2, 1, 2, PadRight: 1, CeilMode: true).OutW);
    }

    [Fact]
    public unsafe void GlobalPoolsReducePlanes()
    {
        int planes = 6, size = 49;
        var x = ConvTests.Random(planes * size, 7);
        var avg = new float[planes];
        var max = new float[planes];
        fixed (float* px = x, pa = avg, pm = max)
        {
            GlobalPooling.Average(px, pa, planes, size);
            GlobalPooling.Max(px, pm, planes, size);
        }
        for (int p = 0; p < planes; p++)
        {
            var s = x.AsSpan(p * size, size).ToArray();
            Assert.Equal(s.Average(v => (double)v), avg[p], 5);
            Assert.Equal(s.Max(), max[p]);
        }
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
        }
    }
}
