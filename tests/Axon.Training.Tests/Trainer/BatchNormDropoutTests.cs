using Axon.Graph;
using Axon.Training.Data;
using Axon.Training.Trainer;

namespace Axon.Training.Tests.Trainer;

/// <summary>The "cnn-bn" model: BatchNorm running statistics are trained, checkpointed and used; Dropout masks change per step.</summary>
public class BatchNormDropoutTests
{
    private static readonly Lazy<LabeledImages> Train = new(() => FashionMnist.Load(FashionMnist.DefaultDirectory, true, 512));
    private static readonly Lazy<LabeledImages> Test = new(() => FashionMnist.Load(FashionMnist.DefaultDirectory, false, 200));

    private static TrainOptions Options(int steps, string? dir = null, bool resume = false) => new()
    {
        Epochs = 1, BatchSize = 32, LearningRate = 0.005f, Seed = 9, MaxSteps = steps, ModelName = "cnn-bn", CheckpointDir = dir,
        Resume = resume, Evaluate = false,
    };

    [Fact]
    public void RunningStatisticsFollowTheMomentumRuleAndReachTheExportedModel()
    {
        var program = FashionModels.Create("cnn-bn", 9);
        Assert.Equal(4, program.StateInputs.Count); // running mean and variance of two BatchNorms
        using var t = new Axon.Training.Trainer.Trainer(program, Options(1), Train.Value, Test.Value);
        t.Run();
        var exported = t.ExportModel().Graph;
        string meanName = program.StateInputs.First(n => n.EndsWith("running_mean", StringComparison.Ordinal) && n.StartsWith("1.", StringComparison.Ordinal));
        string varName = meanName.Replace("running_mean", "running_var", StringComparison.Ordinal);
        var mean = exported.Initializers[meanName].ToArray<float>();
        var var = exported.Initializers[varName].ToArray<float>();

        // The expected update from the first step's own batch: conv1 of the first 32 images of the epoch's order, per
        // channel mean and (unbiased or biased: ONNX uses the batch variance) variance, blended with momentum 0.9.
        var order = new DataLoader(Train.Value, 32, shuffle: true, 9).Order(0);
        var w = program.InitialParameters["0.weight"].ToArray<float>();
        var b = program.InitialParameters["0.bias"].ToArray<float>();
        var sum = new double[16];
        var sq = new double[16];
        int n = 0;
        foreach (int s in order.Take(32))
        {
            var px = Train.Value.Pixels.AsSpan(s * 784, 784);
            for (int c = 0; c < 16; c++)
            {
                for (int y = 0; y < 28; y++)
                {
                    for (int x = 0; x < 28; x++)
                    {
                        double v = b[c];
                        for (int ky = 0; ky < 3; ky++)
                        {
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int yy = y + ky - 1, xx = x + kx - 1;
                                if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28)
                                {
                                    v += w[c * 9 + ky * 3 + kx] * px[yy * 28 + xx];
                                }
                            }
                        }
                        sum[c] += v;
                        sq[c] += v * v;
                    }
                }
            }
            n++;
        }
        for (int c = 0; c < 16; c++)
        {
            double m = sum[c] / (n * 784);
            double batchVar = sq[c] / (n * 784) - m * m;
            Assert.Equal(0.1 * m, mean[c], 3);
            Assert.True(Math.Abs(var[c] - (0.9 + 0.1 * batchVar)) < 2e-3 || Math.Abs(var[c] - (0.9 + 0.1 * batchVar * n * 784 / (n * 784 - 1))) < 2e-3,
                $"channel {c}: running var {var[c]}, batch var {batchVar}");
        }
        // Inference uses the running statistics: the exported graph has no state inputs left.
        Assert.DoesNotContain(exported.Inputs, i => program.StateInputs.Contains(i.Name));
    }

    [Fact]
    public void ResumeRestoresRunningStatisticsBitForBit()
    {
        string dir = Directory.CreateTempSubdirectory("axon-bn-resume-").FullName;
        var program = FashionModels.Create("cnn-bn", 9);
        float[] Stat(Axon.Training.Trainer.Trainer t) => t.ExportModel().Graph.Initializers[program.StateInputs[0]].ToArray<float>();
        using var straight = new Axon.Training.Trainer.Trainer(program, Options(4), Train.Value, Test.Value);
        straight.Run();
        using (var first = new Axon.Training.Trainer.Trainer(FashionModels.Create("cnn-bn", 9), Options(2, dir), Train.Value, Test.Value))
        {
            first.Run();
        }
        using var resumed = new Axon.Training.Trainer.Trainer(FashionModels.Create("cnn-bn", 9), Options(4, dir, resume: true), Train.Value, Test.Value);
        Assert.True(resumed.Run().Resumed);
        Assert.Equal(Stat(straight), Stat(resumed));
        for (int p = 0; p < straight.Weights.Count; p++)
        {
            Assert.Equal(straight.Weights[p], resumed.Weights[p]);
        }
    }

    [Fact]
    public void DropoutMasksChangePerStepAndDoNotDependOnHowTheBatchIsSplit()
    {
        var program = FashionModels.Create("cnn-bn", 9);
        var masks = DropoutMasks.Rewrite(program.TrainModel, program.InitialParameters);
        Assert.Single(masks.Masks);
        Assert.DoesNotContain(masks.Model.Graph.Nodes, n => n.OpType == "Dropout");
        Assert.Equal(0.25f, masks.Masks[0].Ratio);
        Assert.Equal(new[] { 128 }, masks.Masks[0].SampleShape);
        var whole = new float[8 * 128];
        masks.Fill(0, whole, seed: 9, step: 3, start: 0, count: 8);
        var split = new float[8 * 128];
        masks.Fill(0, split.AsSpan(0, 4 * 128), 9, 3, 0, 4);
        masks.Fill(0, split.AsSpan(4 * 128), 9, 3, 4, 4);
        Assert.Equal(whole, split);
        Assert.All(whole, v => Assert.True(v == 0f || Math.Abs(v - 1f / 0.75f) < 1e-6f));
        double kept = whole.Count(v => v != 0) / (double)whole.Length;
        Assert.InRange(kept, 0.70, 0.80);
        var next = new float[8 * 128];
        masks.Fill(0, next, 9, 4, 0, 8);
        Assert.NotEqual(whole, next);
        // Rows differ from each other too (not one mask for every sample).
        Assert.False(whole.AsSpan(0, 128).SequenceEqual(whole.AsSpan(128, 128)));
    }

    [Fact]
    public void CnnBnLearns()
    {
        // 48 steps on 512 images; inference runs on the running statistics (chance is 10%).
        var o = Options(0) with { Epochs = 3, Evaluate = true, BatchSize = 32, LearningRate = 0.01f };
        using var t = new Axon.Training.Trainer.Trainer(FashionModels.Create("cnn-bn", 9), o, Train.Value, Test.Value);
        var r = t.Run();
        Assert.True(r.TestAccuracy > 0.5, $"test accuracy {r.TestAccuracy}");
        Assert.True(r.Epochs[2].Loss < r.Epochs[0].Loss, $"loss did not fall: {r.Epochs[0].Loss} -> {r.Epochs[2].Loss}");
    }
}
