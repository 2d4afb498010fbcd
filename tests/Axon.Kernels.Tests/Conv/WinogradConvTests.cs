using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;

namespace Axon.Kernels.Tests.Conv;

/// <summary>Winograd F(4×4, 3×3) in the blocked layout against a double-precision direct convolution on awkward shapes.</summary>
public sealed class WinogradConvTests
{
    public static TheoryData<ConvGeometry, int> Shapes()
    {
        var data = new TheoryData<ConvGeometry, int>();
        foreach (var g in Geometries)
        {
            data.Add(g, 4);
            data.Add(g, 2);
        }
        return data;
    }

    private static readonly ConvGeometry[] Geometries =
    [
        // Channels off the block, planes no multiple of 4 (partial tiles on the right and bottom), one-row and one-column planes.
        new ConvGeometry(1, 17, 5, 7, 20, 3, 3, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(2, 16, 9, 9, 33, 3, 3, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(1, 20, 1, 13, 16, 3, 3, 1, 1, 1, 1, 1, 1),
        new ConvGeometry(1, 20, 11, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1),
        // Unpadded, asymmetric pads, pads of 2 (output larger than the input), a plane of exactly 4×4 tiles.
        new ConvGeometry(1, 32, 10, 11, 17, 3, 3),
        new ConvGeometry(1, 18, 8, 6, 24, 3, 3, 1, 1, 0, 2, 1, 0),
        new ConvGeometry(1, 16, 3, 5, 16, 3, 3, 1, 1, 2, 2, 2, 2),
        new ConvGeometry(3, 48, 8, 8, 40, 3, 3, 1, 1, 1, 1, 1, 1),
        // A long reduction (the error grows with C·9): 300 channels.
        new ConvGeometry(1, 300, 6, 6, 20, 3, 3, 1, 1, 1, 1, 1, 1),
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesDirectConvolution(ConvGeometry g, int tile)
    {
        var (x, w, bias) = Data(g, 11);
        var want = Naive(g, x, w, bias, null, relu: false, out var scale);
        var got = Run(g, x, w, bias, null, Activation.None, tile: tile);
        AssertClose(want, got, scale, g);
    }

    [Fact]
    public void ResidualAndReluFuse()
    {
        var g = new ConvGeometry(2, 24, 7, 10, 36, 3, 3, 1, 1, 1, 1, 1, 1);
        var (x, w, bias) = Data(g, 5);
        var res = ConvTests.Random(g.OutputElements, 9);
        var want = Naive(g, x, w, bias, res, relu: true, out var scale);
        var got = Run(g, x, w, bias, res, Activation.Relu);
        AssertClose(want, got, scale, g);
        Assert.Contains(got, v => v == 0);
    }

    [Fact]
    public void ResidualMayBeTheOutputItself()
    {
        var g = new ConvGeometry(1, 16, 6, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1);
        var (x, w, bias) = Data(g, 3);
        var res = ConvTests.Random(g.OutputElements, 4);
        var want = Naive(g, x, w, bias, res, relu: false, out var scale);
        using var packed = WinogradWeights.Pack(w, bias, g);
        var xb = NchwcTests.Block(x, g.N, g.C, g.H * g.W);
        var yb = NchwcTests.Block(res, g.N, g.K, g.OutH * g.OutW);
        WinogradConv.Run(xb, packed, yb, yb, Activation.None);
        AssertClose(want, NchwcTests.Unblock(yb, g.N, g.K, g.OutH * g.OutW), scale, g);
    }

    [Fact]
    public void OtherActivationsRunAfterTheSum()
    {
        var g = new ConvGeometry(1, 16, 5, 5, 20, 3, 3, 1, 1, 1, 1, 1, 1);
        var (x, w, bias) = Data(g, 8);
        var plain = Naive(g, x, w, bias, null, relu: false, out var scale);
        var got = Run(g, x, w, bias, null, Activation.LeakyRelu, alpha: 0.1f);
        var want = plain.Select(v => v > 0 ? v : 0.1 * v).ToArray();
        AssertClose(want, got, scale, g);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void WavesOfTileRowsGiveTheSameResult(int tile)
    {
        // One tile row per wave (instead of one wave for the layer): the phases' offsets into V, M and the output.
        var g = new ConvGeometry(2, 20, 9, 10, 24, 3, 3, 1, 1, 1, 1, 1, 1);
        var (x, w, bias) = Data(g, 21);
        var want = Naive(g, x, w, bias, null, relu: false, out var scale);
        long bytes = WinogradConv.WaveBytes;
        int min = WinogradConv.MinWaveTiles;
        try
        {
            WinogradConv.WaveBytes = 1;
            WinogradConv.MinWaveTiles = 1;
            AssertClose(want, Run(g, x, w, bias, null, Activation.None, tile: tile), scale, g);
        }
        finally
        {
            WinogradConv.WaveBytes = bytes;
            WinogradConv.MinWaveTiles = min;
        }
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    public void LargerPlanesOnOneAndTwoThreads(int tile, int threads)
    {
        // 112 tiles of 4×4 (390 of 2×2) over two images, with residual and ReLU: the phases' work split over the
        // threads (tile rows × input or output blocks, points × row blocks).
        var g = new ConvGeometry(2, 24, 30, 26, 20, 3, 3, 1, 1, 1, 1, 1, 1);
        var (x, w, bias) = Data(g, 31);
        var res = ConvTests.Random(g.OutputElements, 32);
        var want = Naive(g, x, w, bias, res, relu: true, out var scale);
        using var pool = new Axon.Kernels.Threading.WorkerPool(threads);
        AssertClose(want, Run(g, x, w, bias, res, Activation.Relu, tile: tile, pool: pool), scale, g);
    }

    [Fact]
    public void ChoosesOnlyWhereItApplies()
    {
        var g = new ConvGeometry(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.True(WinogradConv.Applies(g));
        Assert.False(WinogradConv.Applies(g with { StrideH = 2, StrideW = 2 }));
        Assert.False(WinogradConv.Applies(g with { KernelH = 5, KernelW = 5 }));
        Assert.False(WinogradConv.Applies(g with { DilationH = 2, DilationW = 2 }));
        Assert.False(WinogradConv.Applies(g with { Group = 2 }));
        Assert.False(WinogradConv.Applies(g with { PadTop = 3 }));
        Assert.Throws<ArgumentException>(() => WinogradWeights.Pack(new float[64 * 64 * 25], default, g with { KernelH = 5, KernelW = 5 }));
        Assert.Throws<ArgumentException>(() => WinogradWeights.Pack(new float[64 * 64 * 9], default, g, tile: 3));
        // ResNet-50's layers: F(4×4) on planes of 32+ tiles of 4×4, F(2×2) on 14×14 at batch 1 (16 such tiles, 49 of
        // 2×2), the direct kernel on 7×7 at batch 1 (4 and 16 tiles); at batch 8 every plane has 32+ tiles of 4×4.
        int on = Cpu.CpuFeatures.Avx2Fma && WinogradConv.Enabled ? 1 : 0;
        Assert.Equal(4 * on, WinogradConv.Choose(g));
        Assert.Equal(4 * on, WinogradConv.Choose(g with { C = 128, K = 128, H = 28, W = 28 }));
        Assert.Equal(2 * on, WinogradConv.Choose(g with { C = 256, K = 256, H = 14, W = 14 }));
        Assert.Equal(0, WinogradConv.Choose(g with { C = 512, K = 512, H = 7, W = 7 }));
        Assert.Equal(4 * on, WinogradConv.Choose(g with { N = 8, C = 512, K = 512, H = 7, W = 7 }));
        // Too few channels to amortize the transforms; 6×6 planes (4×4 tiles would waste over a quarter of their outputs, 2×2
        // tiles fit exactly); 5×5 planes (both would).
        Assert.Equal(0, WinogradConv.Choose(g with { C = 8 }));
        Assert.Equal(2 * on, WinogradConv.Choose(g with { N = 4, H = 6, W = 6 }));
        Assert.Equal(0, WinogradConv.Choose(g with { N = 4, H = 5, W = 5 }));
    }

    private static float[] Run(ConvGeometry g, float[] x, float[] w, float[] bias, float[]? res, Activation act, float alpha = 0, int tile = 4,
        Axon.Kernels.Threading.WorkerPool? pool = null)
    {
        using var packed = WinogradWeights.Pack(w, bias, g, tile);
        Assert.Equal(tile, packed.TileSize);
        Assert.Equal((tile + 2) * (tile + 2), packed.Points);
        var xb = NchwcTests.Block(x, g.N, g.C, g.H * g.W);
        var yb = new float[Nchwc.Elements(g.N, g.K, g.OutH, g.OutW)];
        Array.Fill(yb, float.NaN);
        var rb = res is null ? default : NchwcTests.Block(res, g.N, g.K, g.OutH * g.OutW);
        WinogradConv.Run(xb, packed, yb, rb, act, alpha, pool: pool);
        return NchwcTests.Unblock(yb, g.N, g.K, g.OutH * g.OutW);
    }

    /// <summary>
    /// Within 5e-6 of each output's Σ|x·w| (+ |bias| + |residual|): the F(4,3) transforms' rounding, measured at
    /// 0.5-1.8e-6 of that magnitude on these shapes; a wrong tap, tile or channel is off by a whole term (≥ 1/(9·C) of it).
    /// </summary>
    private static void AssertClose(double[] want, float[] got, double[] scale, ConvGeometry g)
    {
        Assert.Equal(want.Length, got.Length);
        double worst = 0;
        for (int i = 0; i < want.Length; i++)
        {
            double err = Math.Abs(want[i] - got[i]) / scale[i];
            Assert.False(double.IsNaN(got[i]), $"{g}: output {i} not written");
            worst = Math.Max(worst, err);
        }
        Assert.True(worst < 5e-6, $"{g}: error {worst:E2} of the magnitude");
    }

    private static (float[] X, float[] W, float[] Bias) Data(ConvGeometry g, int seed) =>
        (ConvTests.Random(g.InputElements, seed), ConvTests.Random(g.WeightElements, seed + 1), ConvTests.Random(g.K, seed + 2));

    private static double[] Naive(ConvGeometry g, float[] x, float[] w, float[] bias, float[]? res, bool relu, out double[] scale)
    {
        int oh = g.OutH, ow = g.OutW;
        var y = new double[g.OutputElements];
        scale = new double[g.OutputElements];
        for (int n = 0; n < g.N; n++)
        for (int k = 0; k < g.K; k++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double s = bias[k], a = Math.Abs(bias[k]);
            for (int c = 0; c < g.C; c++)
            for (int r = 0; r < 3; r++)
            for (int q = 0; q < 3; q++)
            {
                int ih = i - g.PadTop + r, iw = j - g.PadLeft + q;
                if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
                {
                    double p = (double)x[((n * g.C + c) * g.H + ih) * g.W + iw] * w[((k * g.C + c) * 3 + r) * 3 + q];
                    s += p;
                    a += Math.Abs(p);
                }
            }
            long o = ((long)(n * g.K + k) * oh + i) * ow + j;
            if (res is not null)
            {
                s += res[o];
                a += Math.Abs(res[o]);
            }
            y[o] = relu ? Math.Max(0, s) : s;
            scale[o] = a + 1e-30;
        }
        return y;
    }
}
