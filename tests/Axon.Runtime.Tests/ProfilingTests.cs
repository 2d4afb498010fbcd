using Axon.Compiler.Planning;
using Axon.Graph.Builder;

namespace Axon.Runtime.Tests;

public sealed class ProfilingTests
{
    [Fact]
    public void EveryStepReportsItsTimeAndTheOutputsMatchAPlainRun()
    {
        var model = ModelZoo.Mlp();
        using var session = new InferenceSession(model);
        var vi = session.Inputs[0];
        var shape = vi.Type.Shape.Dims.Select(d => d.IsKnown ? (int)d.Value : 2).ToArray();
        var rng = new Random(5);
        var x = Tensor.FromArray(Enumerable.Range(0, shape.Aggregate(1, (p, v) => p * v)).Select(_ => (float)rng.NextDouble()).ToArray(), shape);
        var feeds = new Dictionary<string, Tensor> { [vi.Name] = x };
        var seen = new List<(PlanStep Step, double Ms)>();
        var profiled = session.Run(feeds, (s, ms) => seen.Add((s, ms)));
        var plain = session.Run(feeds);
        var plan = session.Plans.Single();
        Assert.Equal(plan.Steps.Count, seen.Count);
        Assert.All(seen, s => Assert.True(s.Ms >= 0));
        Assert.Equal(((Tensor)plain[0].Value!).ToArray<float>(), ((Tensor)profiled[0].Value!).ToArray<float>());
    }
}
