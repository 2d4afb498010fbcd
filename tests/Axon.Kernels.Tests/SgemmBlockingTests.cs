using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests;

/// <summary>The blocked, partitioned SGEMM on awkward shapes and thread counts, and the AVX-512 kernel against scalar.</summary>
public sealed unsafe class SgemmBlockingTests
{
    [Theory]
    [InlineData(1, 1, 1, 2)]
    [InlineData(3, 17, 129, 2)]
    [InlineData(17, 129, 3, 3)]
    [InlineData(129, 3, 17, 2)]
    [InlineData(129, 129, 129, 2)]
    [InlineData(5, 300, 513, 2)]
    [InlineData(250, 33, 257, 3)]
    public void AwkwardShapesMatchNaiveOnSeveralThreads(int m, int n, int k, int threads)
    {
        var a = SgemmTests.Random(m * k, 21);
        var b = SgemmTests.Random(k * n, 22);
        var c = SgemmTests.Random(m * n, 23);
        var expected = SgemmTests.Naive(m, n, k, 1f, a, false, b, false, 0f, c);
        using var pool = new WorkerPool(threads);
        using var packed = PackedMatrix.PackB(b, k, n);
        fixed (float* pa = a, pc = c)
        {
            Sgemm.Multiply(m, n, k, 1f, pa, k, false, packed, 0f, pc, n, default, pool);
        }
        SgemmTests.AssertClose(expected, c, k);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1024, 1024, 2)]
    [InlineData(2048, 2048, 1)]
    [InlineData(128, 384, 2)]
    [InlineData(7, 1536, 2)]
    [InlineData(17, 3, 4)]
    [InlineData(1000, 100000, 2)]
    public void PartitionCoversEveryElementOnceWithEnoughTasks(int m, int n, int threads)
    {
        var (mBlocks, mc, nBlocks, nc) = Sgemm.Partition(m, n, threads);
        Assert.True(mc % Sgemm.MR == 0 && nc % Sgemm.NR == 0, "blocks must be whole panels");
        Assert.True(mc <= Math.Max(Sgemm.MCMax, Sgemm.MR) || mc * (mBlocks - 1) < m);
        Assert.True((long)mBlocks * mc >= m && (long)(mBlocks - 1) * mc < m, $"M blocks {mBlocks}x{mc} for {m}");
        Assert.True((long)nBlocks * nc >= n && (long)(nBlocks - 1) * nc < n, $"N blocks {nBlocks}x{nc} for {n}");
        int panels = (n + Sgemm.NR - 1) / Sgemm.NR;
        if (m >= threads * 4 * Sgemm.MR || panels >= threads)
        {
            Assert.True(mBlocks * nBlocks >= threads, "too few tasks to keep every thread busy");
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    [InlineData(17, false)]
    [InlineData(129, true)]
    [InlineData(256, false)]
    public void Avx512KernelMatchesScalar(int kc, bool accumulate)
    {
        // The AVX-512 kernel is written with the portable Vector512 API: without AVX-512 it runs in software, so it is
        // checked here on every machine, not only where it is selected.
        const int ldb = 24, ldc = 20;
        var a = SgemmTests.Random(kc * MicroKernel.MR, 31);
        var b = SgemmTests.Random(kc * ldb, 32);
        var c1 = SgemmTests.Random(MicroKernel.MR * ldc, 33);
        var c2 = (float[])c1.Clone();
        fixed (float* pa = a, pb = b, p1 = c1, p2 = c2)
        {
            MicroKernel.Kernel6x16V512(kc, pa, pb, ldb, p1, ldc, accumulate);
            MicroKernel.KernelScalar(kc, pa, pb, ldb, p2, ldc, MicroKernel.MR, MicroKernel.NR, accumulate);
        }
        for (int i = 0; i < c1.Length; i++)
        {
            Assert.True(Math.Abs(c1[i] - c2[i]) <= 1e-4f * (1 + Math.Abs(c2[i])), $"element {i}: {c1[i]} vs {c2[i]}");
        }
    }

    [Fact]
    public void LargeSquareDoesNotDependOnThreadCount()
    {
        int m = 390, n = 400, k = 520;
        var a = SgemmTests.Random(m * k, 41);
        var b = SgemmTests.Random(k * n, 42);
        var c1 = new float[m * n];
        var c2 = new float[m * n];
        using var one = new WorkerPool(1);
        using var two = new WorkerPool(2);
        using var packed = PackedMatrix.PackB(b, k, n);
        fixed (float* pa = a, p1 = c1, p2 = c2)
        {
            Sgemm.Multiply(m, n, k, 1, pa, k, false, packed, 0, p1, n, default, one);
            Sgemm.Multiply(m, n, k, 1, pa, k, false, packed, 0, p2, n, default, two);
        }
        Assert.Equal(c1, c2);
    }
}
