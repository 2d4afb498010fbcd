using Axon.Graph.Reference;
using Axon.Kernels.Threading;
using Axon.Runtime;
using Axon.Training.Data;
using Axon.Training.Trainer;

namespace Axon.Training.Tests.Trainer;

/// <summary>The fast training kernels (Conv with runtime weights, conv and pooling gradients) against the reference executor.</summary>
public class CompiledTrainingTests
{
    [Theory]
    [InlineData("cnn")]
    [InlineData("mlp")]
    public void CompiledTrainingGraphMatchesTheReferenceExecutor(string model)
    {
        var prog = FashionModels.Create(model, 1);
        var data = FashionMnist.Load(FashionMnist.DefaultDirectory, true, 5);
        var inputs = new Dictionary<string, Tensor>(prog.InitialParameters)
        {
            ["input"] = Tensor.FromArray(data.Pixels, 5, 1, 28, 28),
            ["labels"] = Tensor.FromArray(data.Labels.Select(l => (long)l).ToArray(), 5),
        };
        using var session = new InferenceSession(prog.TrainModel, WorkerPool.Inline);
        var fast = session.Run(inputs).ToDictionary(k => k.Key, k => (Tensor)k.Value!);
        if (model == "cnn")
        {
            var kernels = session.Plans.Single().Steps.Select(s => s.KernelName).ToList();
            Assert.Contains(kernels, k => k.StartsWith("conv.igemm.dynamic-weights", StringComparison.Ordinal));
            Assert.Contains("conv.grad-weight.sgemm", kernels);
            Assert.Contains("conv.grad-input.sgemm", kernels);
            Assert.Contains("pool.max.grad", kernels);
        }
        var reference = new ReferenceExecutor(prog.TrainModel).Run(inputs.ToDictionary(k => k.Key, k => (IValue?)k.Value))
            .ToDictionary(k => k.Key, k => (Tensor)k.Value!);
        Assert.Equal(reference.Keys.OrderBy(k => k), fast.Keys.OrderBy(k => k));
        foreach (var (name, t) in fast)
        {
            var a = t.ToArray<float>();
            var b = reference[name].ToArray<float>();
            Assert.Equal(b.Length, a.Length);
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 + 1e-4 * Math.Abs(b[i]), $"{name}[{i}]: compiled {a[i]}, reference {b[i]}");
            }
        }
    }

    [Fact]
    public void CnnTrainsAFewStepsWithMixedPrecisionOnTwoCores()
    {
        var train = FashionMnist.Load(FashionMnist.DefaultDirectory, true, 256);
        var test = FashionMnist.Load(FashionMnist.DefaultDirectory, false, 100);
        var o = new TrainOptions { Epochs = 1, BatchSize = 32, Cores = 2, Precision = Axon.Training.Optim.Precision.Mixed, Rounding = Axon.Training.Optim.Rounding.Stochastic, WarmupSteps = 2 };
        using var t = new Axon.Training.Trainer.Trainer(FashionModels.Create("cnn", 1), o, train, test);
        var losses = new List<double>();
        var r = t.Run(p => losses.Add(p.BatchLoss));
        Assert.Equal(8, r.Steps);
        Assert.True(losses[^1] < losses[0], $"loss {losses[0]} -> {losses[^1]}");
        Assert.InRange(r.TestAccuracy, 0.2, 1.0);
    }
}
