using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Cpu;

/// <summary>The instruction tier a kernel family runs at, chosen once when a model loads.</summary>
public enum KernelTier
{
    /// <summary>Plain scalar C#: hardware intrinsics disabled or unavailable.</summary>
    Scalar,

    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA).</summary>
    Avx2,

    /// <summary>512-bit vectors (AVX-512F).</summary>
    Avx512,
}

/// <summary>What the CPU offers: vector extensions and cache sizes, read once.</summary>
public static class CpuFeatures
{
    public static bool Avx2Fma => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;
    public static bool Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;
    public static bool AvxVnni => System.Runtime.Intrinsics.X86.AvxVnni.IsSupported;
    /// <summary>AVX-512 VNNI, exposed by .NET 10 through the AVX10.1 ISA class.</summary>
    public static bool Avx512Vnni => Avx10v1.IsSupported;

    /// <summary>The best tier this process may use.</summary>
    public static KernelTier BestTier => Avx512 ? KernelTier.Avx512 : Avx2Fma ? KernelTier.Avx2 : KernelTier.Scalar;

    public static int L1DataBytes { get; } = ReadCache(1, 32 * 1024);
    public static int L2Bytes { get; } = ReadCache(2, 512 * 1024);
    public static int L3Bytes { get; } = ReadCache(3, 8 * 1024 * 1024);

    /// <summary>Feature names for display (<c>axon ls</c>).</summary>
    public static IReadOnlyList<string> Names()
    {
        var l = new List<string>();
        if (Avx2.IsSupported) l.Add("AVX2");
        if (Fma.IsSupported) l.Add("FMA");
        if (Avx512F.IsSupported) l.Add("AVX-512F");
        if (Avx512BW.IsSupported) l.Add("AVX-512BW");
        if (AvxVnni) l.Add("AVX-VNNI");
        if (Avx512Vnni) l.Add("AVX-512-VNNI");
        if (System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported) l.Add("NEON");
        return l;
    }

    private static int ReadCache(int level, int fallback)
    {
        try
        {
            const string root = "/sys/devices/system/cpu/cpu0/cache";
            if (!Directory.Exists(root))
            {
                return fallback;
            }
            foreach (var dir in Directory.EnumerateDirectories(root, "index*"))
            {
                var lvl = File.ReadAllText(Path.Combine(dir, "level")).Trim();
                var type = File.ReadAllText(Path.Combine(dir, "type")).Trim();
                if (lvl != level.ToString(System.Globalization.CultureInfo.InvariantCulture) || type == "Instruction")
                {
                    continue;
                }
                var s = File.ReadAllText(Path.Combine(dir, "size")).Trim();
                int mult = s.EndsWith('K') ? 1024 : s.EndsWith('M') ? 1024 * 1024 : 1;
                if (int.TryParse(s.TrimEnd('K', 'M'), out int v) && v > 0)
                {
                    return v * mult;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return fallback;
    }
}
