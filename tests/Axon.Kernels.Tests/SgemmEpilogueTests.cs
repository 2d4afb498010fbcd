using System.Runtime.Intrinsics;
using Axon.Kernels.Elementwise;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests;

/// <summary>
/// The GEMM epilogue applied per micro-tile (full 16-wide tiles in registers, partial ones per row) against a double
/// reference: every activation, with and without each addend, on shapes with full and partial tiles in both
/// directions and K deep enough for several K blocks (the epilogue runs only after the last one).
/// </summary>
public sealed unsafe class SgemmEpilogueTests
{
    public static TheoryData<Activation, bool, bool, bool> Cases()
    {
        var data = new TheoryData<Activation, bool, bool, bool>();
        foreach (var act in Enum.GetValues<Activation>())
        {
            data.Add(act, true, false, true);
        }
        data.Add(Activation.None, false, true, false);
        data.Add(Activation.Gelu, true, true, true);
        data.Add(Activation.None, false, false, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TileEpilogueMatchesTheDefinition(Activation act, bool biasN, bool biasM, bool residual)
    {
        foreach (var (m, n, k) in new[] { (17, 48, 777), (6, 16, 3), (13, 37, 129) })
        {
            var a = SgemmTests.Random(m * k, 21);
            var b = SgemmTests.Random(k * n, 22);
            var bn = SgemmTests.Random(n, 23);
            var bm = SgemmTests.Random(m, 24);
            var res = SgemmTests.Random(m * n + 5 * m, 25);
            int rs = n + 5;
            var c = new float[m * n];
            var expected = SgemmTests.Naive(m, n, k, 1, a, false, b, false, 0, c);
            // Scale the products into GELU/tanh's interesting range ([-4, 4] or so) rather than |x| ~ sqrt(k).
            float alpha = 3f / MathF.Sqrt(k);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double v = alpha * expected[i * n + j] + (biasM ? bm[i] : 0) + (biasN ? bn[j] : 0) + (residual ? res[i * rs + j] : 0);
                    expected[i * n + j] = Reference(act, v);
                }
            }
            using var pool = new WorkerPool(2);
            fixed (float* pa = a, pb = b, pc = c, pbn = bn, pbm = bm, pres = res)
            {
                var ep = new GemmEpilogue
                {
                    BiasN = biasN ? pbn : null, BiasM = biasM ? pbm : null, Residual = residual ? pres : null, ResidualStride = rs,
                    Activation = act, ActAlpha = act == Activation.Clip ? -0.5f : 0.1f, ActBeta = 0.75f,
                };
                using var packed = PackedMatrix.PackB(b, k, n);
                Sgemm.Multiply(m, n, k, alpha, pa, k, false, packed, 0, pc, n, ep, pool);
            }
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - c[i]) <= 2e-5 + 1e-5 * Math.Abs(expected[i]),
                    $"{act} {m}x{n}x{k} [{i / n},{i % n}]: {c[i]}, expected {expected[i]}");
            }
        }
    }

    [Theory]
    [InlineData(13, 37, 777, 0)]
    [InlineData(6, 16, 8, 3)]
    [InlineData(12, 20, 13, 1)]
    [InlineData(128, 48, 384, 5)]
    public void VectorPackedAMatchesNaive(int m, int n, int k, int pad)
    {
        // alpha = 1, A not transposed: full six-row panels go through the transposing packer (k a multiple of 8 or
        // not, A with a leading dimension wider than K, several K blocks).
        int lda = k + pad;
        var a = SgemmTests.Random(m * lda, 31);
        var b = SgemmTests.Random(k * n, 32);
        var dense = new float[m * k];
        for (int i = 0; i < m; i++)
        {
            Array.Copy(a, i * lda, dense, i * k, k);
        }
        var expected = SgemmTests.Naive(m, n, k, 1, dense, false, b, false, 0, new float[m * n]);
        var c = new float[m * n];
        fixed (float* pa = a, pb = b, pc = c)
        {
            Sgemm.Multiply(m, n, k, 1, pa, lda, false, pb, n, false, 0, pc, n);
        }
        SgemmTests.AssertClose(expected, c, k);
    }

    [Theory]
    [InlineData(8, 384)]
    [InlineData(7, 1000)]
    [InlineData(1, 33)]
    public void TwoRowTailIsBitIdenticalToTheSixRowKernel(int m, int k)
    {
        // Rows m-2..m-1 (or the single row) fall in a tail tile here, and in a full six-row tile when more rows follow:
        // the two kernels must agree exactly, since which one computes a row depends on the M split (thread count).
        int n = 32, big = m + 6;
        var a = SgemmTests.Random(big * k, 41);
        var b = SgemmTests.Random(k * n, 42);
        var small = new float[m * n];
        var large = new float[big * n];
        using var packed = PackedMatrix.PackB(b, k, n);
        fixed (float* pa = a, ps = small, pl = large)
        {
            Sgemm.Multiply(m, n, k, 1, pa, k, false, packed, 0, ps, n);
            Sgemm.Multiply(big, n, k, 1, pa, k, false, packed, 0, pl, n);
        }
        Assert.Equal(large.AsSpan(0, m * n).ToArray(), small);
        var expected = SgemmTests.Naive(m, n, k, 1, a[..(m * k)], false, b, false, 0, new float[m * n]);
        SgemmTests.AssertClose(expected, small, k);
    }

    private static double Reference(Activation act, double x) => act switch
    {
        Activation.Relu => Math.Max(x, 0),
        Activation.LeakyRelu => x > 0 ? x : 0.1 * x,
        Activation.Clip => Math.Clamp(x, -0.5, 0.75),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        Activation.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        Activation.Silu => x / (1 + Math.Exp(-x)),
        _ => x,
    };

    internal static double Erf(double x)
    {
        double z = Math.Abs(x);
        if (z < 2.5)
        {
            // Maclaurin series: its largest term is below e^6.25, so double keeps ~14 digits.
            double sum = x, term = x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x * x / n;
                sum += term / (2 * n + 1);
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc by its continued fraction, evaluated from the tail: z + (1/2)/(z + 1/(z + (3/2)/(z + ...))).
        double f = z;
        for (int n = 120; n >= 1; n--)
        {
            f = z + n / 2.0 / f;
        }
        double erfc = Math.Exp(-z * z) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }

    [Fact]
    public void VectorErfAndGeluAreAccurateOnADenseGrid()
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return;
        }
        double worstErf = 0, worstGelu = 0;
        for (int i = -8 * 512; i <= 8 * 512; i += 8)
        {
            var x = Vector256.ConvertToSingle(Vector256.Create(i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7)) / Vector256.Create(512f);
            var e = ErfOp.Vector(x);
            var g = default(GeluOp).Invoke(x);
            for (int l = 0; l < 8; l++)
            {
                worstErf = Math.Max(worstErf, Math.Abs(e[l] - Erf(x[l])));
                worstGelu = Math.Max(worstGelu, Math.Abs(g[l] - 0.5 * x[l] * (1 + Erf(x[l] / Math.Sqrt(2)))));
            }
        }
        Assert.True(worstErf < 4e-7, $"erf worst absolute error {worstErf}");
        Assert.True(worstGelu < 2e-6, $"gelu worst absolute error {worstGelu}");
        var edges = ErfOp.Vector(Vector256.Create(float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-30f, 100f, -100f));
        Assert.True(float.IsNaN(edges[0]));
        Assert.True(Math.Abs(edges[1] - 1) <= 1e-7 && Math.Abs(edges[2] + 1) <= 1e-7, $"erf(±inf) = {edges[1]}, {edges[2]}");
        Assert.Equal(0f, edges[3]);
        Assert.Equal(0f, edges[4]);
        Assert.True(Math.Abs(edges[5] / 1e-30 - 2 / Math.Sqrt(Math.PI)) < 1e-6, $"erf(1e-30) = {edges[5]}");
        Assert.True(Math.Abs(edges[6] - 1) <= 1e-7 && Math.Abs(edges[7] + 1) <= 1e-7, $"erf(±100) = {edges[6]}, {edges[7]}");
    }
}
