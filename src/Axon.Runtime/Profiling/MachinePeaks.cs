using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Axon.Runtime.Profiling;

/// <summary>
/// This machine's measured peaks, the roofline a profile is judged against: FP32 FMA throughput of one thread (eight
/// independent Vector256 FMA chains) and copy bandwidth (a 64 MiB memcpy, bytes read plus written). Measured once and
/// cached in <c>~/.cache/axon/peaks.json</c> (or <c>$AXON_CACHE_DIR/peaks.json</c>).
/// </summary>
public sealed record MachinePeaks(double GflopsPerThread, double MemoryGBps, int Processors, DateTimeOffset MeasuredUtc)
{
    /// <summary>Compute peak for <paramref name="threads"/> threads (FMA units scale with cores; memory bandwidth is shared).</summary>
    public double Gflops(int threads) => GflopsPerThread * Math.Max(1, Math.Min(threads, Processors));

    /// <summary>FLOPs per byte above which a node is compute-bound on <paramref name="threads"/> threads.</summary>
    public double RidgePoint(int threads) => Gflops(threads) / MemoryGBps;

    public static string DefaultPath =>
        Path.Combine(Environment.GetEnvironmentVariable("AXON_CACHE_DIR") is { Length: > 0 } d ? d
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "axon"), "peaks.json");

    /// <summary>The cached peaks when present and from this machine's processor count, else a fresh measurement (then cached).</summary>
    public static MachinePeaks Load(string? path = null, bool remeasure = false)
    {
        path ??= DefaultPath;
        if (!remeasure && File.Exists(path))
        {
            try
            {
                var cached = JsonSerializer.Deserialize<MachinePeaks>(File.ReadAllText(path));
                if (cached is { GflopsPerThread: > 0, MemoryGBps: > 0 } && cached.Processors == Environment.ProcessorCount)
                {
                    return cached;
                }
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                // A damaged cache is measured again.
            }
        }
        var peaks = Measure();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, JsonSerializer.Serialize(peaks));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not cached: measured again next time.
        }
        return peaks;
    }

    public static MachinePeaks Measure() => new(MeasureFma(), MeasureCopy(), Environment.ProcessorCount, DateTimeOffset.UtcNow);

    private static double MeasureFma()
    {
        var a0 = Vector256.Create(1f); var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        double best = 0;
        for (int trial = 0; trial < 5; trial++)
        {
            const int n = 2_000_000;
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c);
                a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
                a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
                a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            }
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Max(best, n * 8.0 * 8 * 2 / s / 1e9);
        }
        // Keep the chains observable so the JIT cannot drop them.
        if (Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7) == float.MinValue)
        {
            Console.Error.Write("");
        }
        return best;
    }

    private static unsafe double MeasureCopy()
    {
        const int bytes = 64 << 20;
        var src = GC.AllocateUninitializedArray<byte>(bytes, pinned: true);
        var dst = GC.AllocateUninitializedArray<byte>(bytes, pinned: true);
        Array.Fill(src, (byte)1);
        Array.Fill(dst, (byte)2);
        double best = 0;
        fixed (byte* s = src, d = dst)
        {
            for (int trial = 0; trial < 4; trial++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Buffer.MemoryCopy(s, d, bytes, bytes);
                double sec = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                best = Math.Max(best, 2.0 * bytes / sec / 1e9);
            }
        }
        return best;
    }
}
