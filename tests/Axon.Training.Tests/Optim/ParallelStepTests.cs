using Axon.Training.Data;
using Axon.Training.Optim;
using Axon.Training.Trainer;

namespace Axon.Training.Tests.Optim;

/// <summary>The step's serial part split into ranges over the replica threads gives the bits of the one-thread loop.</summary>
public class ParallelStepTests
{
    [Fact]
    public void VectorBf16RoundingMatchesTheScalarConversionBitForBit()
    {
        var rng = new Random(7);
        var src = new float[1000 + 5];
        for (int i = 0; i < src.Length; i++)
        {
            src[i] = BitConverter.UInt32BitsToSingle((uint)rng.NextInt64(0, 1L << 32));
        }
        // Ties in both directions, the carry into the exponent, infinities, NaNs with payloads, subnormals, zeros.
        uint[] special = [0x3F80_8000, 0x3F81_8000, 0x3F7F_FFFF, 0x7F7F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7F80_0001, 0xFFC0_1234,
            0x7FFF_FFFF, 0x0000_0001, 0x807F_FFFF, 0x0000_8000, 0x8000_0000, 0x0000_0000, 0x3F80_7FFF, 0x3F80_8001];
        for (int i = 0; i < special.Length; i++)
        {
            src[3 + 61 * i] = BitConverter.UInt32BitsToSingle(special[i]);
        }
        var dst = new float[src.Length];
        Bf16Rounding.RoundNearest(src, dst);
        for (int i = 0; i < src.Length; i++)
        {
            uint expected = BitConverter.SingleToUInt32Bits(BFloat16.FromFloat(src[i]).ToFloat());
            Assert.True(expected == BitConverter.SingleToUInt32Bits(dst[i]), $"element {i}: {BitConverter.SingleToUInt32Bits(src[i]):X8} -> {BitConverter.SingleToUInt32Bits(dst[i]):X8}, expected {expected:X8}");
        }
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void UpdatesOverRangesEqualOneWholeStep(string name)
    {
        int[] sizes = [16_384 * 2 + 13, 7, 16_384];
        Optimizer Make() => name == "adamw" ? new AdamW(sizes, weightDecay: 0.05f) : new Sgd(sizes, momentum: 0.9f, nesterov: true, weightDecay: 0.01f);
        var rng = new Random(3);
        float[][] Random() => sizes.Select(n => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var w0 = Random();
        var grads = new[] { Random(), Random() };
        var whole = w0.Select(w => w.ToArray()).ToArray();
        var ranged = w0.Select(w => w.ToArray()).ToArray();
        var a = Make();
        var b = Make();
        var chunks = new StepChunks(ranged);
        Assert.Equal(2 + 1 + 1 + 1, chunks.Ranges.Length);
        foreach (var g in grads)
        {
            a.Step(whole, g, 0.01f);
            b.BeginStep();
            // Ranges in reverse order: the result must not depend on which range runs first.
            foreach (var (p, off, len) in chunks.Ranges.Reverse())
            {
                b.UpdateRange(p, off, ranged[p].AsSpan(off, len), g[p].AsSpan(off, len), 0.01f);
            }
        }
        Assert.Equal(a.Steps, b.Steps);
        for (int p = 0; p < sizes.Length; p++)
        {
            Assert.Equal(whole[p], ranged[p]);
        }
        for (int s = 0; s < a.StateBuffers.Count; s++)
        {
            Assert.Equal(a.StateBuffers[s], b.StateBuffers[s]);
        }
    }

    [Fact]
    public void RangeOutsideTheParameterIsRejected()
    {
        var opt = new AdamW([10]);
        opt.BeginStep();
        var e = Assert.Throws<AxonException>(() => opt.UpdateRange(0, 8, new float[4], new float[4], 0.1f));
        Assert.Equal("AXT120", e.Code);
    }

    [Theory]
    [InlineData(Precision.Fp32)]
    [InlineData(Precision.Mixed)]
    public void TwoCoreRunWithTheStepSpreadOverThreadsEqualsTheSerialStepBitForBit(Precision precision)
    {
        var train = FashionMnist.Load(FashionMnist.DefaultDirectory, true, 512);
        var o = new TrainOptions
        {
            Epochs = 1, BatchSize = 64, LearningRate = 0.01f, Optimizer = "adamw", WarmupSteps = 2, Seed = 5, Cores = 2,
            Precision = precision, Evaluate = false,
        };
        float[][] Train(TrainOptions options)
        {
            using var t = new Axon.Training.Trainer.Trainer(HandWrittenModels.Mlp(784, 32, 10, 1), options, train, null);
            t.Run();
            return t.Weights.Select(w => w.ToArray()).ToArray();
        }
        var spread = Train(o);
        // A clipping threshold no gradient reaches changes no value but takes the serial path (a global norm).
        var serial = Train(o with { ClipNorm = 1e30f });
        for (int p = 0; p < spread.Length; p++)
        {
            Assert.Equal(serial[p], spread[p]);
        }
    }
}
