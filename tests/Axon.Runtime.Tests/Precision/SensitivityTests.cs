using Axon.Runtime.Precision;

namespace Axon.Runtime.Tests.Precision;

/// <summary>The sensitivity search over a known, additive score: ranking, greedy order, stopping and limits.</summary>
public class SensitivityTests
{
    private static readonly Dictionary<string, double> Gains = new() { ["a"] = 0.001, ["b"] = 0.006, ["c"] = 0.003, ["d"] = -0.002, ["e"] = 0.003 };

    private static double Score(IReadOnlyCollection<string> excluded) => 0.980 + excluded.Sum(n => Gains[n]);

    [Fact]
    public void ExcludesTheMostSensitiveUntilTheTargetIsMet()
    {
        var calls = new List<string>();
        var r = Sensitivity.AutoExclude(["a", "b", "c", "d", "e"], ex => { calls.Add(string.Join(",", ex)); return Score(ex); }, 0.9885, 5);
        Assert.Equal(0.980, r.Baseline, 9);
        // Ranked by gain, ties by name; d lowers the score.
        Assert.Equal(["b", "c", "e", "a", "d"], r.Rows.Select(x => x.Name));
        Assert.Equal(0.006, r.Rows[0].Gain, 9);
        Assert.Equal(0.978, r.Rows[^1].ScoreWhenExcluded, 9);
        // b alone gives 0.986, b+c 0.989: met, so e is never excluded.
        Assert.Equal(["b", "c"], r.Excluded);
        Assert.Equal(0.989, r.Final, 9);
        Assert.True(r.MetTarget);
        // Baseline, five singles, then only the pair (the first exclusion reuses its single score).
        Assert.Equal(["", "a", "b", "c", "d", "e", "b,c"], calls);
    }

    [Fact]
    public void StopsAtTheLimitAndSaysTheTargetWasMissed()
    {
        var r = Sensitivity.AutoExclude(["a", "b", "c", "d", "e"], Score, 0.999, 2);
        Assert.Equal(["b", "c"], r.Excluded);
        Assert.False(r.MetTarget);
        Assert.Equal(0.989, r.Final, 9);
    }

    [Fact]
    public void AModelAlreadyAccurateEnoughIsNotSearched()
    {
        int calls = 0;
        var r = Sensitivity.AutoExclude(["a", "b"], ex => { calls++; return Score(ex); }, 0.97, 2);
        Assert.Equal(1, calls);
        Assert.Empty(r.Rows);
        Assert.Empty(r.Excluded);
        Assert.True(r.MetTarget);
    }
}
