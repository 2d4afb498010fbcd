using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Graph.Reference;
using Axon.Runtime;
using Axon.Training;

namespace Axon.Training.Tests.Autograd;

using Graph = Axon.Graph.Graph;

/// <summary>
/// Finite-difference gradient checks: builds the training graph of a forward graph with a scalar loss, runs it with the
/// reference executor, and compares every parameter's gradient with central differences of the loss (float64 graphs,
/// so a small step gives tight agreement).
/// </summary>
internal static class GradCheck
{
    public static Tensor Random(ulong seed, DType dt, params int[] shape)
    {
        var rng = new SeededRandom(seed);
        var v = new double[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = rng.NextDouble() * 2 - 1;
        }
        return Tensor.FromDoubles(dt, v, shape);
    }

    public static Dictionary<string, Tensor> RunTraining(TrainingGraph tg, IReadOnlyDictionary<string, Tensor> data, Dictionary<string, Tensor>? values = null)
    {
        var feeds = new Dictionary<string, IValue?>(StringComparer.Ordinal);
        foreach (var kv in data)
        {
            feeds[kv.Key] = kv.Value;
        }
        foreach (var kv in tg.InitialValues)
        {
            feeds[kv.Key] = values?.GetValueOrDefault(kv.Key) ?? kv.Value;
        }
        return new ReferenceExecutor(tg.ToModel()).Run(feeds).ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value!);
    }

    public static Dictionary<string, Tensor> RunCompiled(TrainingGraph tg, IReadOnlyDictionary<string, Tensor> data)
    {
        var feeds = new Dictionary<string, Tensor>(data, StringComparer.Ordinal);
        foreach (var kv in tg.InitialValues)
        {
            feeds[kv.Key] = kv.Value;
        }
        using var s = new InferenceSession(tg.ToModel());
        return s.Run(feeds).ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value!);
    }

    public static double Loss(Graph forward, string loss, IReadOnlyDictionary<string, Tensor> data)
    {
        var m = new Model(forward);
        m.OpsetImports["axon"] = 1;
        var feeds = data.ToDictionary(kv => kv.Key, kv => (IValue?)kv.Value);
        var outs = new ReferenceExecutor(m).Run(feeds);
        return ((Tensor)outs.First(o => o.Key == loss).Value!).GetDouble(0);
    }

    /// <summary>Asserts autograd's gradients match central differences for every parameter (at most <paramref name="maxPerParam"/> elements each).</summary>
    public static TrainingGraph Check(Graph forward, string loss, IReadOnlyDictionary<string, Tensor> data, IEnumerable<string>? parameters = null,
        double eps = 1e-6, double tol = 1e-6, int maxPerParam = 24)
    {
        if (!forward.Outputs.Any(o => o.Name == loss))
        {
            forward.Outputs.Add(new ValueInfo(loss, TypeInfo.Unknown));
        }
        var tg = Axon.Training.Autograd.Build(forward, loss, parameters);
        var outs = RunTraining(tg, data);
        Assert.Equal(Loss(forward, loss, data), outs[loss].GetDouble(0), 9);
        foreach (var p in tg.Parameters)
        {
            var grad = outs[tg.GradientOf[p]].ToDoubles();
            var value = tg.InitialValues[p];
            Assert.Equal(value.Shape, outs[tg.GradientOf[p]].Shape);
            var baseVals = value.ToDoubles();
            int step = Math.Max(1, baseVals.Length / maxPerParam);
            for (int i = 0; i < baseVals.Length; i += step)
            {
                double Eval(double delta)
                {
                    var g = forward.Clone();
                    var v = (double[])baseVals.Clone();
                    v[i] += delta;
                    g.Initializers[p] = Tensor.FromDoubles(value.DType, v, value.Shape);
                    return Loss(g, loss, data);
                }
                double fd = (Eval(eps) - Eval(-eps)) / (2 * eps);
                double err = Math.Abs(fd - grad[i]);
                Assert.True(err <= tol * Math.Max(1, Math.Abs(fd)), $"d{loss}/d{p}[{i}]: autograd {grad[i]:G9}, finite difference {fd:G9}");
            }
        }
        return tg;
    }
}
