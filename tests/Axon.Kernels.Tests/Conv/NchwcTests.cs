using Axon.Kernels.Conv;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests.Conv;

/// <summary>The blocked NCHW16c kernels against plain loops on awkward shapes (channels off the block, 1/3/17 pixels, pads, strides).</summary>
public sealed class NchwcTests
{
    internal static float[] Block(float[] x, int n, int c, int plane)
    {
        var y = new float[Nchwc.Elements(n, c, 1, plane)];
        Array.Fill(y, float.NaN);
        Nchwc.ToBlocked(x, y, n, c, plane);
        return y;
    }

    internal static float[] Unblock(float[] x, int n, int c, int plane)
    {
        var y = new float[(long)n * c * plane];
        Nchwc.FromBlocked(x, y, n, c, plane);
        return y;
    }

    private static double[] Naive(ConvGeometry g, float[] x, float[] w, float[]? bias, float[]? res, bool relu)
    {
        int oh = g.OutH, ow = g.OutW;
        var y = new double[g.OutputElements];
        for (int n = 0; n < g.N; n++)
        for (int k = 0; k < g.K; k++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double s = bias is null ? 0 : bias[k];
            for (int c = 0; c < g.C; c++)
            for (int r = 0; r < g.KernelH; r++)
            for (int q = 0; q < g.KernelW; q++)
            {
                int ih = i * g.StrideH - g.PadTop + r * g.DilationH, iw = j * g.StrideW - g.PadLeft + q * g.DilationW;
                if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
                {
                    s += (double)x[((n * g.C + c) * g.H + ih) * g.W + iw] * w[((k * g.C + c) * g.KernelH + r) * g.KernelW + q];
                }
            }
            long o = ((long)(n * g.K + k) * oh + i) * ow + j;
            s += res is null ? 0 : res[o];
            y[o] = relu ? Math.Max(0, s) : s;
        }
        return y;
    }

    public static TheoryData<ConvGeometry, bool> Shapes() => new()
    {
        { new ConvGeometry(1, 17, 5, 7, 20, 3, 3, 1, 1, 1, 1, 1, 1), false },
        { new ConvGeometry(2, 3, 17, 17, 33, 7, 7, 2, 2, 3, 3, 3, 3), true },
        { new ConvGeometry(1, 3, 9, 11, 16, 3, 3, 1, 2, 1, 0, 2, 1), false },
        { new ConvGeometry(1, 40, 1, 1, 17, 1, 1), false },
        { new ConvGeometry(1, 32, 3, 3, 5, 1, 1), false },
        { new ConvGeometry(2, 33, 17, 1, 48, 1, 1, 2, 1), false },
        { new ConvGeometry(1, 16, 1, 17, 16, 3, 3, 1, 1, 1, 1, 1, 1), false },
        { new ConvGeometry(1, 20, 13, 13, 31, 3, 3, 2, 2, 1, 1, 1, 1), false },
        { new ConvGeometry(1, 16, 7, 7, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2), false },
        { new ConvGeometry(1, 5, 3, 4, 3, 5, 5, 1, 1, 4, 4, 4, 4), false },
        { new ConvGeometry(1, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1), false },
        // Reductions in several chunks (partial sums through the output): 1×1 over 19 blocks, 3×3 over 3 blocks.
        { new ConvGeometry(1, 300, 5, 4, 40, 1, 1), false },
        { new ConvGeometry(2, 40, 9, 9, 24, 3, 3, 1, 1, 1, 1, 1, 1), false },
        // Strided 1×1 (subsampled first), also over several chunks and with an odd plane.
        { new ConvGeometry(1, 290, 9, 7, 20, 1, 1, 2, 2), false },
        // A plain-input stem with dilated columns (taps not one contiguous run) and one with stride 1.
        { new ConvGeometry(1, 3, 12, 13, 20, 3, 3, 1, 2, 2, 2, 2, 2, 2, 2), true },
        { new ConvGeometry(1, 4, 6, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1), true },
        // A padded 1×1 (not flat: it runs row by row over the zero-bordered copy).
        { new ConvGeometry(1, 20, 5, 6, 18, 1, 1, 1, 1, 1, 1, 1, 1), false },
        // Small planes and a batch: several images per work item.
        { new ConvGeometry(3, 32, 3, 3, 40, 3, 3, 1, 1, 1, 1, 1, 1), false },
        { new ConvGeometry(5, 48, 2, 2, 33, 1, 1), false },
        // Stride-2 windows over a width split in even | odd columns: unpadded with an odd width, an even kernel, 5×5
        // over a 7-wide plane, a 1-wide input, asymmetric pads, several reduction chunks.
        { new ConvGeometry(2, 17, 15, 17, 20, 3, 3, 2, 2), false },
        { new ConvGeometry(1, 16, 8, 9, 17, 2, 2, 2, 2, 0, 1, 0, 0), false },
        { new ConvGeometry(1, 33, 7, 7, 16, 5, 5, 2, 2, 2, 2, 2, 2), false },
        { new ConvGeometry(1, 16, 3, 1, 18, 3, 3, 2, 2, 1, 1, 1, 1), false },
        { new ConvGeometry(1, 24, 6, 14, 20, 3, 3, 2, 2, 0, 1, 1, 0), false },
        { new ConvGeometry(1, 600, 7, 6, 20, 3, 3, 2, 2, 1, 1, 1, 1), false },
        // Gathered tiles across output rows (rows too narrow for 5-pixel tiles): 7×7 from a stride-2 split over a
        // batch, a 1-wide column, a 4-wide plane with a 5×5 window, 600 channels (several chunks) on 7×7.
        { new ConvGeometry(2, 40, 14, 14, 36, 3, 3, 2, 2, 1, 1, 1, 1), false },
        { new ConvGeometry(1, 20, 9, 1, 17, 3, 3, 1, 1, 1, 1, 1, 1), false },
        { new ConvGeometry(3, 18, 4, 4, 20, 5, 5, 1, 1, 2, 2, 2, 2), false },
        { new ConvGeometry(1, 600, 7, 7, 24, 3, 3, 1, 1, 1, 1, 1, 1), false },
    };

    [Fact]
    public void GatheredTilesAndWidthSplitAreUsedAndAgreeWithRowTiles()
    {
        // The shapes above run the gathered / split paths by default; here the same shapes with both turned off must
        // give the same values (to float re-association), and the paths must really be taken by default.
        var g = new ConvGeometry(2, 40, 14, 14, 36, 3, 3, 2, 2, 1, 1, 1, 1);
        Assert.True(NchwcConv.Gathers(g with { H = 7, W = 7, StrideH = 1, StrideW = 1 }, false));
        Assert.True(NchwcConvInput.SplitsWidth(g, false));
        Assert.False(NchwcConv.Gathers(g with { H = 28, W = 28, StrideH = 1, StrideW = 1 }, false));
        bool gather = NchwcConv.GatherSmallPlanes, split = NchwcConvInput.SplitWidth;
        try
        {
            NchwcConv.GatherSmallPlanes = false;
            NchwcConvInput.SplitWidth = false;
            ConvMatchesPlainLoops(g, false);
            ConvMatchesPlainLoops(new ConvGeometry(1, 17, 5, 7, 20, 3, 3, 1, 1, 1, 1, 1, 1), false);
        }
        finally
        {
            NchwcConv.GatherSmallPlanes = gather;
            NchwcConvInput.SplitWidth = split;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BothLoopOrdersAndPackingsAgree(bool outputMajor)
    {
        // The order is chosen per layer from the cache sizes; force each one (weights packed to match) on the same shapes.
        var saved = NchwcConv.OutputMajor;
        NchwcConv.OutputMajor = outputMajor;
        try
        {
            foreach (var g in new[] { new ConvGeometry(1, 600, 6, 5, 40, 3, 3, 1, 1, 1, 1, 1, 1), new ConvGeometry(2, 1040, 4, 3, 20, 1, 1),
                new ConvGeometry(1, 290, 9, 9, 33, 1, 1, 2, 2) })
            {
                var packed = NchwcConvWeights.Pack(ConvTests.Random(g.WeightElements, 72), ConvTests.Random(g.K, 73), g, false);
                Assert.Equal(outputMajor, packed.OutputMajor);
                Assert.True(packed.Chunk < packed.InputBlocks, "the shape must need several reduction chunks");
                ConvMatchesPlainLoops(g, false); // at one and two threads
            }
        }
        finally
        {
            NchwcConv.OutputMajor = saved;
        }
    }

    [Fact]
    public void PointwiseLoopWithFixedBoundsGivesTheSameBitsAsTheGeneralOne()
    {
        // Unstrided 1×1 layers (flat, several chunks, a padded one, a subsampled strided one) run the tile loop with
        // constant bounds; the general loop does the same operations in the same order, so the bits must agree.
        foreach (var g in new[] { new ConvGeometry(2, 1040, 4, 3, 20, 1, 1), new ConvGeometry(1, 40, 7, 9, 33, 1, 1),
            new ConvGeometry(1, 20, 5, 6, 18, 1, 1, 1, 1, 1, 1, 1, 1), new ConvGeometry(1, 48, 9, 7, 20, 1, 1, 2, 2) })
        {
            var xb = Block(ConvTests.Random(g.InputElements, 81), g.N, g.C, g.H * g.W);
            var packed = NchwcConvWeights.Pack(ConvTests.Random(g.WeightElements, 82), ConvTests.Random(g.K, 83), g, false);
            var fixedBounds = new float[Nchwc.Elements(g.N, g.K, g.OutH, g.OutW)];
            var general = new float[fixedBounds.Length];
            using var pool = new WorkerPool(2);
            NchwcConv.Run(xb, packed, fixedBounds, default, Activation.Relu, pool: pool);
            bool saved = NchwcConvTile.FixedWindows;
            try
            {
                NchwcConvTile.FixedWindows = false;
                NchwcConv.Run(xb, packed, general, default, Activation.Relu, pool: pool);
            }
            finally
            {
                NchwcConvTile.FixedWindows = saved;
            }
            Assert.Equal(general, fixedBounds);
            ConvMatchesPlainLoops(g, false);
        }
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.None)]
    public void ResidualMayBeTheOutputItself(Activation act)
    {
        // The runtime's planner may give the output the residual's buffer: the first chunk reads each residual element
        // just before it writes the partial sum there, later chunks read the partial sums back.
        foreach (var g in new[] { new ConvGeometry(2, 48, 6, 5, 24, 3, 3, 1, 1, 1, 1, 1, 1), new ConvGeometry(1, 520, 4, 3, 20, 1, 1) })
        {
            var x = ConvTests.Random(g.InputElements, 61);
            var w = ConvTests.Random(g.WeightElements, 62);
            var b = ConvTests.Random(g.K, 63);
            var res = ConvTests.Random(g.OutputElements, 64);
            var expected = Naive(g, x, w, b, res, false);
            int plane = g.OutH * g.OutW;
            var y = Block(res, g.N, g.K, plane);
            using var pool = new WorkerPool(2);
            NchwcConv.Run(Block(x, g.N, g.C, g.H * g.W), NchwcConvWeights.Pack(w, b, g, false), y, y, act, pool: pool);
            var got = Unblock(y, g.N, g.K, plane);
            double tol = 1e-5 * Math.Sqrt(g.ColumnRows) + 1e-5;
            for (int i = 0; i < got.Length; i++)
            {
                double e = act switch { Activation.Relu => Math.Max(0, expected[i]), Activation.Sigmoid => 1 / (1 + Math.Exp(-expected[i])), _ => expected[i] };
                Assert.True(Math.Abs(e - got[i]) <= tol * (1 + Math.Abs(e)), $"{g} {act}: element {i}: {got[i]} vs {e}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ConvMatchesPlainLoops(ConvGeometry g, bool plainInput)
    {
        foreach (var (residual, relu, threads) in new[] { (false, false, 1), (true, true, 2) })
        {
            var x = ConvTests.Random(g.InputElements, 21);
            var w = ConvTests.Random(g.WeightElements, 22);
            var b = ConvTests.Random(g.K, 23);
            var res = residual ? ConvTests.Random(g.OutputElements, 24) : null;
            var expected = Naive(g, x, w, b, res, relu);
            int plane = g.OutH * g.OutW;
            var y = new float[Nchwc.Elements(g.N, g.K, g.OutH, g.OutW)];
            Array.Fill(y, float.NaN);
            using var pool = new WorkerPool(threads);
            var packed = NchwcConvWeights.Pack(w, b, g, plainInput);
            NchwcConv.Run(plainInput ? x : Block(x, g.N, g.C, g.H * g.W), packed, y, res is null ? default : Block(res, g.N, g.K, plane),
                relu ? Activation.Relu : Activation.None, pool: pool);
            var got = Unblock(y, g.N, g.K, plane);
            double tol = 1e-5 * Math.Sqrt(g.ColumnRows) + 1e-5;
            for (int i = 0; i < got.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - got[i]) <= tol * (1 + Math.Abs(expected[i])), $"{g}: element {i}: {got[i]} vs {expected[i]}");
            }
            // Padding lanes stay finite (zero weights and bias), so a following convolution never multiplies NaN by zero.
            Assert.All(y, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Theory]
    [InlineData(1, 17, 9, 9, 3, 2, 1, false, false)]
    [InlineData(2, 16, 7, 5, 3, 1, 1, false, true)]
    [InlineData(1, 35, 6, 6, 2, 2, 0, true, false)]
    [InlineData(1, 3, 5, 7, 3, 2, 1, true, true)]
    [InlineData(1, 20, 1, 17, 1, 1, 0, true, false)]
    [InlineData(1, 20, 17, 17, 3, 2, 1, false, false)]   // ResNet's pool on an odd plane: interior columns unclipped
    [InlineData(1, 16, 3, 2, 3, 1, 1, false, false)]     // a window wider than the row: no interior column
    [InlineData(2, 16, 9, 8, 2, 2, 0, true, false)]      // ceil mode: the last window runs past the row
    public void PoolingMatchesThePlainKernels(int n, int c, int h, int w, int k, int s, int p, bool ceil, bool avg)
    {
        var g = new PoolGeometry(n, c, h, w, k, k, s, s, p, p, p, p, CeilMode: ceil);
        var x = ConvTests.Random(g.InputElements, 31);
        foreach (bool includePad in new[] { false, true })
        {
            var expected = new float[g.OutputElements];
            var y = new float[Nchwc.Elements(n, c, g.OutH, g.OutW)];
            var xb = Block(x, n, c, h * w);
            if (avg)
            {
                Pooling.AveragePool(x, expected, g, includePad);
                unsafe
                {
                    fixed (float* px = xb, py = y)
                    {
                        NchwcPooling.AveragePool(px, py, g, includePad);
                    }
                }
            }
            else
            {
                Pooling.MaxPool(x, expected, g);
                unsafe
                {
                    fixed (float* px = xb, py = y)
                    {
                        NchwcPooling.MaxPool(px, py, g);
                    }
                }
            }
            var got = Unblock(y, n, c, g.OutH * g.OutW);
            for (int i = 0; i < got.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"{g}: element {i}: {got[i]} vs {expected[i]}");
            }
        }
    }

    [Theory]
    [InlineData(1, 17, 7 * 7)]
    [InlineData(3, 2048, 1)]
    [InlineData(2, 40, 300 * 3)]
    public unsafe void GlobalAverageMatchesMeans(int n, int c, int plane)
    {
        var x = ConvTests.Random((long)n * c * plane, 41);
        var xb = Block(x, n, c, plane);
        var y = new float[n * c];
        fixed (float* px = xb, py = y)
        {
            NchwcPooling.GlobalAverage(px, py, n, c, plane);
        }
        for (int i = 0; i < n * c; i++)
        {
            double mean = x.AsSpan(i * plane, plane).ToArray().Average(v => (double)v);
            Assert.Equal(mean, y[i], 1e-5);
        }
    }

    [Fact]
    public void ReorderRoundTripsAndZeroesPaddingLanes()
    {
        var x = ConvTests.Random(2 * 19 * 5, 51);
        var b = Block(x, 2, 19, 5);
        Assert.Equal(2 * 2 * 5 * 16, b.Length);
        Assert.Equal(x[(1 * 19 + 17) * 5 + 3], b[((1 * 2 + 1) * 5 + 3) * 16 + 1]);
        Assert.Equal(0f, b[((1 * 2 + 1) * 5 + 3) * 16 + 3]);
        Assert.Equal(x, Unblock(b, 2, 19, 5));
    }

    [Fact]
    public void TheConvolutionRunsAtTheExpectedTier()
    {
        var expect = Environment.GetEnvironmentVariable("AXON_EXPECT_TIER");
        var want = CpuFeatures.Avx2Fma ? KernelTier.Avx2 : KernelTier.Scalar;
        Assert.Equal(want, NchwcConv.Tier);
        if (!string.IsNullOrEmpty(expect))
        {
            Assert.Equal(expect == "scalar" ? KernelTier.Scalar : KernelTier.Avx2, NchwcConv.Tier);
        }
    }
}
