using Axon.Training.Data;
using Axon.Training.Optim;
using Axon.Training.Trainer;

namespace Axon.Training.Tests.Trainer;

public class WarmUpTests
{
    [Theory]
    [InlineData(1, Precision.Mixed, Rounding.Stochastic)]
    [InlineData(2, Precision.Mixed, Rounding.Nearest)]
    [InlineData(2, Precision.Bf16, Rounding.Stochastic)]
    public void JitWarmUpStepsLeaveTheRunBitForBitUnchanged(int cores, Precision precision, Rounding rounding)
    {
        var train = FashionMnist.Load(FashionMnist.DefaultDirectory, true, 384);
        var o = new TrainOptions
        {
            Epochs = 1, BatchSize = 64, LearningRate = 0.01f, Optimizer = "adamw", WarmupSteps = 2, Seed = 9, Cores = cores,
            Precision = precision, Rounding = rounding, Evaluate = false,
        };
        (float[][] Weights, List<double> Losses, string Log) Train(TrainOptions options)
        {
            var log = new List<string>();
            var losses = new List<double>();
            using var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 16, 10, 1), options, train, null, log: log.Add);
            t.Run(p => losses.Add(p.BatchLoss));
            return (t.Weights.Select(w => w.ToArray()).ToArray(), losses, string.Join("\n", log));
        }
        var plain = Train(o);
        var warmed = Train(o with { WarmupSeconds = 0.4 });
        Assert.Contains("1 step(s)", plain.Log);
        Assert.Matches(@"\((\d{2,}) step\(s\)", warmed.Log);
        Assert.Equal(plain.Losses, warmed.Losses);
        for (int p = 0; p < plain.Weights.Length; p++)
        {
            Assert.Equal(plain.Weights[p], warmed.Weights[p]);
        }
    }
}
