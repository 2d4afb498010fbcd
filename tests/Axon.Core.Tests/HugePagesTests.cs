namespace Axon.Core.Tests;

public unsafe class HugePagesTests
{
    private static bool KernelOffersHugePages =>
        OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
        && !File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Contains("[never]", StringComparison.Ordinal);

    [Fact]
    public void LargeBuffersStartOnAHugePageAndHoldTheirData()
    {
        bool saved = HugePages.Enabled;
        try
        {
            HugePages.Enabled = OperatingSystem.IsLinux();
            using var big = new BufferPool().Rent(HugePages.Threshold * 2L);
            // On a huge-page boundary plus a stagger of whole 64-byte lines inside the first 4 KiB page.
            Assert.Equal(0, (long)big.Pointer % AlignedBuffer.Alignment);
            if (HugePages.Enabled)
            {
                Assert.InRange((long)big.Pointer % HugePages.PageBytes, 0, 4096 - 64);
                using var next = new BufferPool().Rent(HugePages.Threshold * 2L);
                Assert.NotEqual((long)big.Pointer % HugePages.PageBytes, (long)next.Pointer % HugePages.PageBytes);
                Assert.InRange((long)next.Pointer % HugePages.PageBytes, 0, 4096 - 64);
            }
            var span = new Span<int>(big.Pointer, big.Capacity / sizeof(int));
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = i * 7 + 1;
            }
            for (int i = 0; i < span.Length; i += 4099)
            {
                Assert.Equal(i * 7 + 1, span[i]);
            }
            Assert.Equal(span.Length - 1, (span[^1] - 1) / 7);

            // Below the threshold, or with the feature off, buffers are only 64-byte aligned and never advised.
            using var small = new BufferPool().Rent(HugePages.Threshold - 1);
            Assert.Equal(0, (long)small.Pointer % AlignedBuffer.Alignment);
            Assert.False(HugePages.Applies(HugePages.Threshold - 1));
            HugePages.Enabled = false;
            Assert.False(HugePages.Applies(HugePages.Threshold * 4L));
            using var off = new BufferPool().Rent(HugePages.Threshold * 2L);
            Assert.Equal(0, (long)off.Pointer % AlignedBuffer.Alignment);
        }
        finally
        {
            HugePages.Enabled = saved;
        }
    }

    [Fact]
    public void AdviceCoversOnlyWholeHugePagesAndSucceedsWhereTheKernelOffersThem()
    {
        var bytes = GC.AllocateUninitializedArray<byte>(3 * HugePages.PageBytes, pinned: true);
        fixed (byte* p = bytes)
        {
            // Less than one whole huge page inside the range: nothing to advise.
            Assert.False(HugePages.Advise(p + 1, HugePages.PageBytes));
            if (KernelOffersHugePages)
            {
                Assert.True(HugePages.Advise(p, bytes.Length));
            }
        }
    }
}
