using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests;

public sealed unsafe class SgemmTests
{
    internal static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)(r.NextDouble() * 2 - 1);
        }
        return a;
    }

    internal static double[] Naive(int m, int n, int k, float alpha, float[] a, bool ta, float[] b, bool tb, float beta, float[] c)
    {
        var r = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = ta ? a[p * m + i] : a[i * k + p];
                    double y = tb ? b[j * k + p] : b[p * n + j];
                    s += x * y;
                }
                r[i * n + j] = alpha * s + beta * c[i * n + j];
            }
        }
        return r;
    }

    internal static void AssertClose(double[] expected, float[] actual, int k)
    {
        double tol = 1e-5 * Math.Sqrt(Math.Max(1, k)) + 1e-6;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [InlineData(1, 1, 1, false, false)]
    [InlineData(3, 17, 129, false, false)]
    [InlineData(17, 3, 1, true, false)]
    [InlineData(129, 33, 300, false, true)]
    [InlineData(6, 16, 256, true, true)]
    [InlineData(7, 17, 257, false, false)]
    [InlineData(150, 270, 520, false, false)]
    public void MatchesNaiveProduct(int m, int n, int k, bool ta, bool tb)
    {
        var a = Random(m * k, 1);
        var b = Random(k * n, 2);
        var c = Random(m * n, 3);
        var expected = Naive(m, n, k, 0.5f, a, ta, b, tb, 2f, c);
        fixed (float* pa = a, pb = b, pc = c)
        {
            Sgemm.Multiply(m, n, k, 0.5f, pa, ta ? m : k, ta, pb, tb ? k : n, tb, 2f, pc, n);
        }
        AssertClose(expected, c, k);
    }

    [Fact]
    public void FusedEpilogueAddsBiasResidualAndActivates()
    {
        int m = 13, n = 21, k = 40;
        var a = Random(m * k, 4);
        var b = Random(k * n, 5);
        var bias = Random(n, 6);
        var res = Random(m * n, 7);
        var c = new float[m * n];
        var expected = Naive(m, n, k, 1, a, false, b, false, 0, c);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double v = expected[i * n + j] + bias[j] + res[i * n + j];
                expected[i * n + j] = Math.Max(v, 0);
            }
        }
        fixed (float* pa = a, pb = b, pc = c, pbias = bias, pres = res)
        {
            var ep = new GemmEpilogue { BiasN = pbias, Residual = pres, ResidualStride = n, Activation = Activation.Relu };
            Sgemm.Multiply(m, n, k, 1, pa, k, false, pb, n, false, 0, pc, n, ep);
        }
        AssertClose(expected, c, k);
    }

    [Fact]
    public void FusedReluKeepsNaNLikeOnnx()
    {
        var y = new float[] { float.NaN, -1, 2, float.NaN, -3, 4, -5, 6, float.NaN, -0.5f };
        fixed (float* p = y)
        {
            EpilogueOps.Activate(p, y.Length, Activation.Relu, 0, 0);
        }
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[3]) && float.IsNaN(y[8]));
        Assert.Equal(new float[] { 0, 2, 0, 4, 0, 6, 0 }, new[] { y[1], y[2], y[4], y[5], y[6], y[7], y[9] });
    }

    [Fact]
    public void ResultDoesNotDependOnThreadCount()
    {
        int m = 200, n = 300, k = 700;
        var a = Random(m * k, 8);
        var b = Random(k * n, 9);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        using var one = new WorkerPool(1);
        using var two = new WorkerPool(2);
        fixed (float* pa = a, pb = b, p1 = c1, p2 = c2)
        {
            Sgemm.Multiply(m, n, k, 1, pa, k, false, pb, n, false, 0, p1, n, default, one);
            Sgemm.Multiply(m, n, k, 1, pa, k, false, pb, n, false, 0, p2, n, default, two);
        }
        Assert.Equal(c1, c2);
    }

    [Fact]
    public void PrepackedWeightsGiveTheSameResult()
    {
        int m = 9, n = 40, k = 300;
        var a = Random(m * k, 10);
        var b = Random(k * n, 11);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        using var packed = PackedMatrix.PackB(b, k, n);
        fixed (float* pa = a, pb = b, p1 = c1, p2 = c2)
        {
            Sgemm.Multiply(m, n, k, 1, pa, k, false, pb, n, false, 0, p1, n);
            Sgemm.Multiply(m, n, k, 1, pa, k, false, packed, 0, p2, n);
        }
        Assert.Equal(c1, c2);
    }

    [Fact]
    public void ReportsTheTierThatRuns()
    {
        // CI runs this project again with DOTNET_EnableAVX2=0 and DOTNET_EnableHWIntrinsic=0.
        bool avx2Allowed = Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") != "0"
            && Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") != "0";
        if (!avx2Allowed)
        {
            Assert.Equal(KernelTier.Scalar, Sgemm.Tier);
        }
        else if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            Assert.Equal(CpuFeatures.Avx512 ? KernelTier.Avx512 : KernelTier.Avx2, Sgemm.Tier);
        }
    }
}
