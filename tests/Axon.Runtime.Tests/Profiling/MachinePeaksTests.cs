using System.Text.Json;
using Axon.Runtime.Profiling;

namespace Axon.Runtime.Tests.Profiling;

public sealed class MachinePeaksTests
{
    [Fact]
    public void ComputePeakRisesFromOneThreadToTheMeasuredAllProcessorFigure()
    {
        var p = new MachinePeaks(80, 10, 4, DateTimeOffset.UnixEpoch, 200);
        Assert.Equal(80, p.Gflops(1));
        Assert.Equal(120, p.Gflops(2));
        Assert.Equal(200, p.Gflops(4));
        Assert.Equal(200, p.Gflops(16)); // no more threads than processors
        Assert.Equal(80, p.Gflops(0));
        Assert.Equal(8, p.RidgePoint(1));
        // Without an all-processor measurement the per-thread peak is multiplied.
        Assert.Equal(240, (p with { GflopsAllThreads = 0 }).Gflops(3));
    }

    [Fact]
    public void ACacheFromBeforeTheAllProcessorMeasurementIsMeasuredAgain()
    {
        string dir = Path.Combine(Path.GetTempPath(), "axon-peaks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "peaks.json");
            File.WriteAllText(path, $$"""{"GflopsPerThread":21.1,"MemoryGBps":12.3,"Processors":{{Environment.ProcessorCount}},"MeasuredUtc":"2026-01-01T00:00:00+00:00"}""");
            var p = MachinePeaks.Load(path);
            Assert.True(p.MeasuredUtc > DateTimeOffset.Parse("2026-01-02T00:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(p.GflopsAllThreads >= p.GflopsPerThread);
            var cached = JsonSerializer.Deserialize<MachinePeaks>(File.ReadAllText(path))!;
            Assert.Equal(p, cached);
            Assert.Equal(p, MachinePeaks.Load(path)); // now read from the cache
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
