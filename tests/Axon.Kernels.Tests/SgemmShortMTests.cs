using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests;

/// <summary>
/// The blocking decisions behind the transformer-projection path: equal K blocks, short M split along N across threads,
/// the unrolled AVX2 kernel with its prefetch stream, on awkward shapes against the naive reference.
/// </summary>
public sealed unsafe class SgemmShortMTests
{
    [Theory]
    [InlineData(1, 384, 384)]
    [InlineData(3, 17, 385)]
    [InlineData(17, 1536, 129)]
    [InlineData(129, 400, 769)]
    [InlineData(128, 48, 1)]
    [InlineData(6, 16, 3)]
    public void ShortMMatchesNaiveAndIsTheSameOnOneTwoAndThreeThreads(int m, int n, int k)
    {
        var a = SgemmTests.Random(m * k, 51);
        var b = SgemmTests.Random(k * n, 52);
        var expected = SgemmTests.Naive(m, n, k, 1f, a, false, b, false, 0f, new float[m * n]);
        using var packed = PackedMatrix.PackB(b, k, n);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var c = new float[m * n];
            using var pool = new WorkerPool(threads);
            fixed (float* pa = a, pc = c)
            {
                Sgemm.Multiply(m, n, k, 1f, pa, k, false, packed, 0f, pc, n, default, pool);
            }
            SgemmTests.AssertClose(expected, c, k);
            if (first is null)
            {
                first = c;
            }
            else
            {
                Assert.Equal(first, c);
            }
        }
    }

    [Theory]
    [InlineData(128, 384, 2)]
    [InlineData(128, 1536, 2)]
    [InlineData(17, 1536, 3)]
    public void ShortMIsSplitAlongNSoEachThreadOwnsItsWeightPanels(int m, int n, int threads)
    {
        var (mBlocks, mc, nBlocks, nc) = Sgemm.Partition(m, n, threads);
        Assert.Equal(1, mBlocks);
        Assert.True(mc >= m);
        Assert.Equal(threads, nBlocks);
        Assert.True(nc * nBlocks >= n && nc % Sgemm.NR == 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(384)]
    [InlineData(385)]
    [InlineData(1024)]
    [InlineData(1536)]
    [InlineData(2048)]
    public void KBlocksAreEqualAndCoverK(int k)
    {
        int kc = Sgemm.BlockK(k);
        int blocks = (k + kc - 1) / kc;
        Assert.True(kc % 8 == 0 || kc == k, $"block {kc}");
        Assert.True(kc <= Sgemm.KC + 7, $"block {kc} over {Sgemm.KC}");
        Assert.Equal((k + Sgemm.KC - 1) / Sgemm.KC, blocks);
        // The last block is at most 8 rows per block short of the others.
        Assert.True(k - (blocks - 1) * kc >= kc - 8 * blocks, $"K {k}: {blocks} blocks of {kc}");
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(17, false)]
    [InlineData(129, true)]
    [InlineData(384, false)]
    public void UnrolledAvx2KernelWithPrefetchMatchesScalar(int kc, bool accumulate)
    {
        if (!Fma.IsSupported || !Avx2.IsSupported)
        {
            // Forced below AVX2 (tests/run-kernel-tiers.sh): the dispatcher must then not pick this kernel.
            Assert.Equal(KernelTier.Scalar, Sgemm.Tier);
            return;
        }
        const int ldb = 16, ldc = 20;
        var a = SgemmTests.Random(kc * MicroKernel.MR, 61);
        var b = SgemmTests.Random(2 * kc * ldb, 62);
        var c1 = SgemmTests.Random(MicroKernel.MR * ldc, 63);
        var c2 = (float[])c1.Clone();
        fixed (float* pa = a, pb = b, p1 = c1, p2 = c2)
        {
            MicroKernel.Kernel6x16(kc, pa, pb, ldb, p1, ldc, accumulate, pb + kc * ldb);
            MicroKernel.KernelScalar(kc, pa, pb, ldb, p2, ldc, MicroKernel.MR, MicroKernel.NR, accumulate);
        }
        for (int i = 0; i < c1.Length; i++)
        {
            Assert.True(Math.Abs(c1[i] - c2[i]) <= 1e-4f * (1 + Math.Abs(c2[i])), $"element {i}: {c1[i]} vs {c2[i]}");
        }
    }
}
