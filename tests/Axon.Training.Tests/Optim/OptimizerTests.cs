using Axon.Training.Optim;

namespace Axon.Training.Tests.Optim;

public class OptimizerTests
{
    [Fact]
    public void SgdPlainStepIsWMinusLrG()
    {
        var w = new[] { 1f, -2f, 3f };
        new Sgd([3]).Step([w], [new[] { 0.5f, 1f, -1f }], 0.1f);
        Assert.Equal(new[] { 0.95f, -2.1f, 3.1f }, w);
    }

    [Fact]
    public void SgdMomentumAndWeightDecayMatchHandComputedValues()
    {
        // wd 0.1, mu 0.9, lr 0.5; w0 = 2, g = 1 both steps.
        // step 1: g' = 1 + 0.2 = 1.2, v = 1.2, w = 2 - 0.6 = 1.4
        // step 2: g' = 1 + 0.14 = 1.14, v = 0.9*1.2 + 1.14 = 2.22, w = 1.4 - 1.11 = 0.29
        var w = new[] { 2f };
        var opt = new Sgd([1], momentum: 0.9f, weightDecay: 0.1f);
        opt.Step([w], [new[] { 1f }], 0.5f);
        Assert.Equal(1.4f, w[0], 5);
        opt.Step([w], [new[] { 1f }], 0.5f);
        Assert.Equal(0.29f, w[0], 5);
    }

    [Fact]
    public void SgdNesterovMatchesHandComputedValues()
    {
        // mu 0.5, lr 1, w0 = 0, g = 1: step 1: v = 1, step = 1 + 0.5 = 1.5, w = -1.5
        // step 2: v = 0.5 + 1 = 1.5, step = 1 + 0.75 = 1.75, w = -3.25
        var w = new[] { 0f };
        var opt = new Sgd([1], momentum: 0.5f, nesterov: true);
        opt.Step([w], [new[] { 1f }], 1f);
        Assert.Equal(-1.5f, w[0], 6);
        opt.Step([w], [new[] { 1f }], 1f);
        Assert.Equal(-3.25f, w[0], 6);
    }

    [Fact]
    public void AdamWFirstStepMovesEachWeightByLrTimesSignOfGradient()
    {
        // m̂ = g, v̂ = g², so the first step is lr·g/|g| (ε negligible), after decoupled decay w·(1 - lr·wd).
        var w = new float[37];
        var g = new float[37];
        for (int i = 0; i < 37; i++)
        {
            w[i] = i * 0.1f;
            g[i] = (i % 3 - 1) * (i + 1) * 0.01f;
        }
        var expected = w.Select((x, i) => x * (1 - 0.01f * 0.1f) - (g[i] == 0 ? 0 : 0.01f * MathF.Sign(g[i]))).ToArray();
        new AdamW([37], weightDecay: 0.1f).Step([w], [g], 0.01f);
        for (int i = 0; i < 37; i++)
        {
            Assert.Equal(expected[i], w[i], 5);
        }
    }

    [Fact]
    public void AdamWSecondStepMatchesHandComputedValue()
    {
        // β1 .9, β2 .999, g1 = 1, g2 = -1, lr 0.1, wd 0.
        // m1 = .1, v1 = .001 -> w = -0.1
        // m2 = .09 - .1 = -.01, v2 = .000999 + .001 = .001999; m̂ = -.01/.19, v̂ = .001999/.001999 = 1 -> step = -0.0526316
        var w = new[] { 0f };
        var opt = new AdamW([1], weightDecay: 0f);
        opt.Step([w], [new[] { 1f }], 0.1f);
        opt.Step([w], [new[] { -1f }], 0.1f);
        Assert.Equal(-0.1f + 0.1f * (0.01f / 0.19f), w[0], 5);
    }

    [Fact]
    public void VectorAndScalarPathsAgreeOnOddLengths()
    {
        var a = Enumerable.Range(0, 19).Select(i => (float)Math.Sin(i)).ToArray();
        var g = Enumerable.Range(0, 19).Select(i => (float)Math.Cos(i)).ToArray();
        var b = (float[])a.Clone();
        new Sgd([19], 0.9f).Step([a], [g], 0.1f);
        for (int i = 0; i < 19; i++)
        {
            Assert.Equal(b[i] - 0.1f * g[i], a[i], 6);
        }
    }

    [Fact]
    public void WarmupCosineRisesLinearlyThenDecaysToMin()
    {
        var s = LrSchedule.WarmupCosine(1f, warmup: 10, total: 110, min: 0.1f);
        Assert.Equal(0.1f, s.At(0), 6);
        Assert.Equal(1f, s.At(9), 6);
        Assert.Equal(1f, s.At(10), 6);
        Assert.Equal(0.55f, s.At(60), 5);
        Assert.Equal(0.1f, s.At(110), 6);
        Assert.Equal(0.1f, s.At(500), 6);
    }

    [Fact]
    public void StepScheduleMultipliesByGammaEveryStepSize()
    {
        var s = LrSchedule.Step(0.8f, 10, 0.5f);
        Assert.Equal(0.8f, s.At(9));
        Assert.Equal(0.4f, s.At(10));
        Assert.Equal(0.2f, s.At(25));
    }

    [Fact]
    public void ClippingScalesToTheGlobalNorm()
    {
        var g1 = new[] { 3f, 0f };
        var g2 = new[] { 0f, 4f, 0f };
        double n = GradientClipping.ClipByGlobalNorm([g1, g2], 1.0);
        Assert.Equal(5.0, n, 5);
        Assert.Equal(0.6f, g1[0], 5);
        Assert.Equal(0.8f, g2[1], 5);
        var small = new[] { 0.1f };
        GradientClipping.ClipByGlobalNorm([small], 1.0);
        Assert.Equal(0.1f, small[0]);
    }

    [Fact]
    public void LossScalerBacksOffOnOverflowAndGrowsAfterCleanSteps()
    {
        var s = new DynamicLossScaler(initialScale: 1024, growthInterval: 2);
        var g = new[] { 2048f, 512f };
        Assert.True(s.UnscaleAndCheck([g]));
        Assert.Equal(new[] { 2f, 0.5f }, g);
        s.Update(true);
        s.Update(true);
        Assert.Equal(2048f, s.Scale);
        Assert.False(s.UnscaleAndCheck([new[] { float.PositiveInfinity }]));
        s.Update(false);
        Assert.Equal(1024f, s.Scale);
        Assert.False(s.UnscaleAndCheck([new[] { float.NaN }]));
    }

    [Fact]
    public void Bf16NearestLosesTinyUpdatesStochasticKeepsThemOnAverage()
    {
        // 1 + 2^-10 is a quarter of a BF16 step (2^-7) above 1: nearest always rounds back to 1.
        const int n = 4096;
        var src = Enumerable.Repeat(1f + 1f / 1024, n).ToArray();
        var near = new float[n];
        var sto = new float[n];
        Bf16Rounding.Round(src, near, Rounding.Nearest, null);
        Bf16Rounding.Round(src, sto, Rounding.Stochastic, new Axon.Training.Data.SplitMix64(7));
        Assert.All(near, v => Assert.Equal(1f, v));
        Assert.All(sto, v => Assert.True(v == 1f || v == 1f + 1f / 128));
        Assert.Equal(1f + 1f / 1024, sto.Average(), 3);
        var again = new float[n];
        Bf16Rounding.Round(src, again, Rounding.Stochastic, new Axon.Training.Data.SplitMix64(7));
        Assert.Equal(sto, again);
    }
}
