using Axon.Training.Data;
using Axon.Training.Optim;
using Axon.Training.Trainer;

namespace Axon.Training.Tests.Trainer;

public class TrainerTests
{
    private static readonly Lazy<LabeledImages> Train = new(() => FashionMnist.Load(FashionMnist.DefaultDirectory, true, 1024));
    private static readonly Lazy<LabeledImages> Test = new(() => FashionMnist.Load(FashionMnist.DefaultDirectory, false, 500));

    private static TrainOptions Options => new()
    {
        Epochs = 2, BatchSize = 64, LearningRate = 0.01f, Optimizer = "adamw", Schedule = "cosine", WarmupSteps = 4, Seed = 3,
    };

    [Fact]
    public void SoftmaxRegressionLearnsFashionMnist()
    {
        using var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 0, 10, 1), Options, Train.Value, Test.Value);
        var losses = new List<double>();
        var r = t.Run(p => losses.Add(p.Loss));
        Assert.Equal(32, r.Steps);
        Assert.Equal(2, r.Epochs.Count);
        Assert.True(r.Epochs[1].Loss < r.Epochs[0].Loss, $"loss did not fall: {r.Epochs[0].Loss} -> {r.Epochs[1].Loss}");
        Assert.True(r.TestAccuracy > 0.65, $"test accuracy {r.TestAccuracy}");
    }

    [Fact]
    public void HandWrittenMlpGradientMatchesFiniteDifferences()
    {
        var prog = HandWrittenModels.Mlp(784, 8, 10, 2);
        var data = Train.Value.Take(4);
        using var session = new Axon.Runtime.InferenceSession(prog.TrainModel, Axon.Kernels.Threading.WorkerPool.Inline);
        var labels = new float[40];
        for (int i = 0; i < 4; i++)
        {
            labels[i * 10 + data.Labels[i]] = 1;
        }
        var inputs = new Dictionary<string, Tensor>(prog.InitialParameters)
        {
            ["input"] = Tensor.FromArray(data.Pixels, 4, 1, 28, 28),
            ["labels"] = Tensor.FromArray(labels, 4, 10),
        };
        double Loss() => ((Tensor)session.Run(inputs).First(o => o.Key == "loss").Value!).ReadOnlySpan<float>()[0];
        var outs = session.Run(inputs);
        foreach (var (param, idx) in new[] { ("fc2.weight", 13), ("fc1.bias", 3), ("fc2.bias", 7), ("fc1.weight", 300 * 8 + 5) })
        {
            float analytic = ((Tensor)outs.First(o => o.Key == prog.GradientOf[param]).Value!).ReadOnlySpan<float>()[idx];
            var w = inputs[param].Clone();
            inputs[param] = w;
            float orig = w.Span<float>()[idx];
            const float h = 1e-2f;
            w.Span<float>()[idx] = orig + h;
            double up = Loss();
            w.Span<float>()[idx] = orig - h;
            double down = Loss();
            w.Span<float>()[idx] = orig;
            Assert.Equal((up - down) / (2 * h), analytic, 2);
        }
    }

    [Fact]
    public void TwoCoresGiveTheSameLossCurveAsOne()
    {
        var o = Options with { Epochs = 1 };
        var one = new List<double>();
        var two = new List<double>();
        using (var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 32, 10, 1), o, Train.Value, null))
        {
            t.Run(p => one.Add(p.Loss));
        }
        using (var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 32, 10, 1), o with { Cores = 2 }, Train.Value, null))
        {
            t.Run(p => two.Add(p.Loss));
        }
        Assert.Equal(one.Count, two.Count);
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i], two[i], 4);
        }
    }

    [Theory]
    [InlineData(Precision.Fp32, Rounding.Nearest)]
    [InlineData(Precision.Mixed, Rounding.Stochastic)]
    [InlineData(Precision.Bf16, Rounding.Stochastic)]
    public void ResumedRunReproducesTheUninterruptedRunBitForBit(Precision precision, Rounding rounding)
    {
        var o = Options with { Precision = precision, Rounding = rounding, CheckpointEvery = 5 };
        float[][] reference;
        using (var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 16, 10, 1), o, Train.Value, Test.Value))
        {
            t.Run();
            reference = t.Weights.Select(w => w.ToArray()).ToArray();
        }
        string dir = Directory.CreateTempSubdirectory("axon-resume-").FullName;
        using (var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 16, 10, 1), o with { CheckpointDir = dir, MaxSteps = 13 }, Train.Value, Test.Value))
        {
            t.Run();
        }
        Axon.Training.Trainer.TrainResult r;
        using (var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 16, 10, 1), o with { CheckpointDir = dir, Resume = true }, Train.Value, Test.Value))
        {
            r = t.Run();
            Assert.True(r.Resumed);
            for (int p = 0; p < reference.Length; p++)
            {
                Assert.Equal(reference[p], t.Weights[p]);
            }
        }
        Assert.Equal(2, r.Epochs.Count);
    }

    [Fact]
    public void UnevenShardsAreRejected()
    {
        var e = Assert.Throws<AxonInputException>(() => new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 0, 10, 1), Options with { BatchSize = 63, Cores = 2 }, Train.Value, null));
        Assert.Equal("AXT113", e.Code);
    }
}
