using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Axon.Kernels.Cpu;

namespace Axon.Runtime.Profiling;

/// <summary>
/// This machine's measured peaks, the roofline a profile is judged against: FP32 FMA throughput of one thread
/// (<see cref="FmaPeak"/>), the same on every processor at once (SMT siblings and busy virtual-machine hosts
/// share FMA units, so it is measured, not multiplied) and copy bandwidth (a 64 MiB memcpy, bytes read plus written).
/// Measured once and cached in <c>~/.cache/axon/peaks.json</c> (or <c>$AXON_CACHE_DIR/peaks.json</c>).
/// </summary>
public sealed record MachinePeaks(double GflopsPerThread, double MemoryGBps, int Processors, DateTimeOffset MeasuredUtc, double GflopsAllThreads = 0)
{
    /// <summary>
    /// Compute peak for <paramref name="threads"/> threads: one thread's peak, rising linearly to the all-processor
    /// measurement (memory bandwidth is shared and not scaled).
    /// </summary>
    public double Gflops(int threads)
    {
        int t = Math.Max(1, Math.Min(threads, Processors));
        if (t == 1 || GflopsAllThreads <= 0 || Processors <= 1)
        {
            return GflopsPerThread * t;
        }
        return GflopsPerThread + (GflopsAllThreads - GflopsPerThread) * (t - 1) / (Processors - 1);
    }

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
                if (cached is { GflopsPerThread: > 0, MemoryGBps: > 0, GflopsAllThreads: > 0 } && cached.Processors == Environment.ProcessorCount)
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

    public static MachinePeaks Measure()
    {
        int processors = Environment.ProcessorCount;
        double one = MeasureFma();
        double all = processors > 1 ? MeasureFmaAllProcessors(processors) : one;
        return new(one, MeasureCopy(), processors, DateTimeOffset.UtcNow, Math.Max(all, one));
    }

    /// <summary>Every processor runs the FMA loop at once, started together; the sum of their rates.</summary>
    private static double MeasureFmaAllProcessors(int processors)
    {
        var rates = new double[processors];
        using var start = new Barrier(processors);
        var threads = new Thread[processors];
        for (int t = 0; t < processors; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                rates[id] = MeasureFma();
            }) { IsBackground = true, Name = "axon-peaks-" + id };
            threads[t].Start();
        }
        foreach (var th in threads)
        {
            th.Join();
        }
        return rates.Sum();
    }

    // The same twelve-chain loop the GEMM figures in docs/performance.md are judged against.
    private static double MeasureFma() => FmaPeak.MeasureGflops(runs: 5);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
