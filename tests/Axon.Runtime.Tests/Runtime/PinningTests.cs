namespace Axon.Runtime.Tests.Runtime;

/// <summary>Replica threads are pinned to their logical cores (Linux sched_setaffinity), checked through /proc.</summary>
public sealed class PinningTests
{
    [LinuxTwoCpusFact]
    public async Task ReplicaThreadsReportTheirCoresAsTheirAffinity()
    {
        using var rt = new AxonRuntime(new RuntimeOptions { Cores = [0, 1], PinThreads = true });
        Assert.True(rt.PinsThreads);
        using var rep = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "rep", Placement = Placement.Replicated, Batching = new BatchingOptions { MaxBatchSize = 4 } });
        using var grp = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "grp", Placement = Placement.CoreGroup, Batching = new BatchingOptions { MaxBatchSize = 4 } });
        for (int i = 0; i < 4; i++)
        {
            await rep.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(i)));
            await grp.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(i)));
        }
        // Replicated: one thread per replica (its batcher worker), pinned to its one core.
        Assert.Equal(2, rep.Replicas.Count);
        foreach (var r in rep.Replicas)
        {
            var tids = WaitForPinned(r, 1);
            Assert.All(tids, tid => Assert.Equal(r.Cores[0].Id.ToString(), AllowedList(tid)));
        }
        // Core group: the batcher worker and the pool's helper, both on cores 0-1.
        var g = Assert.Single(grp.Replicas);
        var both = WaitForPinned(g, 2);
        Assert.Equal(2, both.Count);
        Assert.All(both, tid => Assert.Equal("0-1", AllowedList(tid)));
    }

    [LinuxTwoCpusFact]
    public async Task NoPinningWhenTurnedOff()
    {
        using var rt = new AxonRuntime(new RuntimeOptions { Cores = [0, 1], PinThreads = false });
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "m", Placement = Placement.Replicated, Batching = new BatchingOptions { MaxBatchSize = 4 } });
        await h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0)));
        Assert.False(rt.PinsThreads);
        Assert.All(h.Replicas, r => Assert.Empty(r.PinnedThreadIds));
    }

    [Theory]
    [InlineData(null, false, null, false)]
    [InlineData(null, true, null, true)]
    [InlineData(true, false, null, true)]
    [InlineData(null, true, "0", false)]
    [InlineData(false, false, "1", true)]
    public void PinningIsWantedWhenCoresAreNamedUnlessTheEnvironmentSaysOtherwise(bool? option, bool named, string? env, bool expected) =>
        Assert.Equal(expected, CpuAffinity.Wanted(option, named, k => k == "AXON_PIN_THREADS" ? env : null));

    private static IReadOnlyList<int> WaitForPinned(Replica r, int count)
    {
        // Pool helpers pin themselves when their thread starts, which may be a moment after the replica was made.
        for (int i = 0; i < 3000 && r.PinnedThreadIds.Count < count; i++)
        {
            Thread.Sleep(10);
        }
        Assert.True(r.PinnedThreadIds.Count >= count, $"replica {r.Index}: {r.PinnedThreadIds.Count} threads pinned, expected {count}");
        return r.PinnedThreadIds;
    }

    private static string AllowedList(int tid)
    {
        var line = File.ReadLines($"/proc/self/task/{tid}/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        return line["Cpus_allowed_list:".Length..].Trim();
    }
}

/// <summary>Runs only on Linux where this process may use CPUs 0 and 1.</summary>
public sealed class LinuxTwoCpusFactAttribute : FactAttribute
{
    public LinuxTwoCpusFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "thread pinning is Linux only";
        }
        else if (!ProcessMayUse(0) || !ProcessMayUse(1))
        {
            Skip = "this process may not run on both CPU 0 and CPU 1";
        }
    }

    private static bool ProcessMayUse(int cpu)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        if (line is null)
        {
            return false;
        }
        foreach (var part in line["Cpus_allowed_list:".Length..].Trim().Split(','))
        {
            var ends = part.Split('-');
            if (int.TryParse(ends[0], out int a) && int.TryParse(ends[^1], out int b) && cpu >= a && cpu <= b)
            {
                return true;
            }
        }
        return false;
    }
}
