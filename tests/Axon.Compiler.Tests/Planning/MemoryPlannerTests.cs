using Axon.Compiler.Planning;

namespace Axon.Compiler.Tests.Planning;

public sealed class MemoryPlannerTests
{
    private static void AssertNoLiveOverlap(MemoryPlan plan)
    {
        var r = plan.Requests;
        for (int i = 0; i < r.Count; i++)
        {
            Assert.Equal(0, plan.Offsets[i] % MemoryPlanner.Alignment);
            Assert.True(plan.Offsets[i] + r[i].Bytes <= plan.PeakBytes);
            for (int j = i + 1; j < r.Count; j++)
            {
                bool liveTogether = r[i].FirstStep <= r[j].LastStep && r[j].FirstStep <= r[i].LastStep;
                bool memOverlap = plan.Offsets[i] < plan.Offsets[j] + r[j].Bytes && plan.Offsets[j] < plan.Offsets[i] + r[i].Bytes;
                Assert.False(liveTogether && memOverlap && r[i].Bytes > 0 && r[j].Bytes > 0, $"'{r[i].Name}' and '{r[j].Name}' overlap while both live");
            }
        }
    }

    [Fact]
    public void ChainReusesMemory()
    {
        // A straight chain a->b->c->d: each buffer dies when the next is made, so two slots suffice.
        var reqs = new[]
        {
            new BufferRequest("a", 1000, 0, 1),
            new BufferRequest("b", 1000, 1, 2),
            new BufferRequest("c", 1000, 2, 3),
            new BufferRequest("d", 1000, 3, 4),
        };
        var plan = MemoryPlanner.Plan(reqs);
        AssertNoLiveOverlap(plan);
        Assert.Equal(2 * MemoryPlanner.Align(1000), plan.PeakBytes);
        Assert.Equal(4 * MemoryPlanner.Align(1000), plan.NaiveBytes);
    }

    [Fact]
    public void RandomLifetimesNeverCollideAndNeverExceedNaive()
    {
        var rng = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            int n = rng.Next(1, 40);
            var reqs = Enumerable.Range(0, n).Select(i =>
            {
                int first = rng.Next(0, 50);
                return new BufferRequest($"v{i}", rng.Next(0, 5000), first, first + rng.Next(0, 10));
            }).ToArray();
            var plan = MemoryPlanner.Plan(reqs);
            AssertNoLiveOverlap(plan);
            Assert.True(plan.PeakBytes <= plan.NaiveBytes);
            long maxLive = Enumerable.Range(0, 60).Max(s => reqs.Where(r => r.FirstStep <= s && s <= r.LastStep).Sum(r => MemoryPlanner.Align(r.Bytes)));
            Assert.True(plan.PeakBytes >= maxLive, "the arena cannot be smaller than what is live at once");
        }
    }

    [Fact]
    public void RejectsInvertedLifetime() =>
        Assert.Throws<ArgumentException>(() => MemoryPlanner.Plan([new BufferRequest("x", 10, 5, 2)]));
}
