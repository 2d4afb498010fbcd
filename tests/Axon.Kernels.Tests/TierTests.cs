using Axon.Kernels.Conv;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;

namespace Axon.Kernels.Tests;

/// <summary>
/// tests/run-kernel-tiers.sh runs this project three times (default, DOTNET_EnableAVX2=0, DOTNET_EnableHWIntrinsic=0)
/// and sets AXON_EXPECT_TIER to the tier that must run (scalar, avx2 or avx512); without it, the test only checks the
/// tiers agree with what the runtime reports.
/// </summary>
public sealed class TierTests
{
    [Fact]
    public void TheExpectedInstructionTierRuns()
    {
        var expect = Environment.GetEnvironmentVariable("AXON_EXPECT_TIER");
        var tier = CpuFeatures.BestTier;
        Assert.Equal(tier, Sgemm.Tier);
        Assert.Equal(tier, Conv2d.Tier);
        Assert.Equal(tier, WinogradConv.Tier);
        // Winograd is chosen only where its transforms and GEMMs run vectorized; the scalar tiers keep the direct kernel.
        var resnet3x3 = new ConvGeometry(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.Equal(tier != KernelTier.Scalar && WinogradConv.Enabled ? 4 : 0, WinogradConv.Choose(resnet3x3));
        if (string.IsNullOrEmpty(expect))
        {
            Assert.Equal(CpuFeatures.Avx512 ? KernelTier.Avx512 : CpuFeatures.Avx2Fma ? KernelTier.Avx2 : KernelTier.Scalar, tier);
            return;
        }
        var want = expect.ToLowerInvariant() switch
        {
            "scalar" => KernelTier.Scalar,
            "avx2" => KernelTier.Avx2,
            "avx512" => KernelTier.Avx512,
            _ => throw new ArgumentException($"AXON_EXPECT_TIER must be scalar, avx2 or avx512, not '{expect}'"),
        };
        Assert.Equal(want, tier);
    }
}
