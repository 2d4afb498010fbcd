using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>The calibration methods against distributions whose right answer is known, and the quantization arithmetic.</summary>
public class CalibrationTests
{
    private static ActivationStatistics Observe(float[] x, ICalibrator c, bool symmetric)
    {
        var s = new ActivationStatistics("t");
        // Two "samples": the statistics must merge them.
        s.ObserveRange(x.AsSpan(0, x.Length / 2));
        s.ObserveRange(x.AsSpan(x.Length / 2));
        if (c.NeedsHistogram)
        {
            s.StartHistogram(c.AbsoluteHistogram(symmetric));
            s.ObserveHistogram(x.AsSpan(0, x.Length / 2));
            s.ObserveHistogram(x.AsSpan(x.Length / 2));
        }
        return s;
    }

    /// <summary>Standard normal values (Box-Muller, seeded) with a few huge outliers.</summary>
    private static float[] GaussianWithOutliers(int n, float outlier)
    {
        var rng = new Random(7);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            x[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        x[10] = outlier;
        x[20] = -outlier;
        return x;
    }

    [Fact]
    public void MinMaxKeepsTheWholeRangeAndIgnoresNaN()
    {
        var c = new MinMaxCalibrator();
        var r = c.Range(Observe([-2f, 0.5f, float.NaN, 3f, float.PositiveInfinity, 1f], c, false), false);
        Assert.Equal(new TensorRange(-2f, 3f), r);
    }

    [Fact]
    public void PercentileClipsTheOutliersOfAUniformDistribution()
    {
        // 0..9999 evenly: the 99th percentile of |x| is 9900 (within one of 2048 bins of 10,000/2048).
        var x = Enumerable.Range(0, 10000).Select(i => (float)i).ToArray();
        var c = new PercentileCalibrator(99);
        var r = c.Range(Observe(x, c, symmetric: true), true);
        Assert.InRange(r.Max, 9900f - 5, 9900f + 5);
        var asym = c.Range(Observe(x, c, symmetric: false), false);
        Assert.InRange(asym.Min, 100f - 5, 100f + 5);
        Assert.InRange(asym.Max, 9900f - 5, 9900f + 5);
    }

    [Fact]
    public void PercentileOfAGaussianIgnoresTwoOutliers()
    {
        var x = GaussianWithOutliers(100_000, 100f);
        var c = new PercentileCalibrator(99.99);
        var r = c.Range(Observe(x, c, true), true);
        // |N(0,1)| at 99.99% is about 3.89; the bins are 100/2048 wide.
        Assert.InRange(r.Max, 3.6f, 4.4f);
    }

    [Fact]
    public void EntropyFindsAThresholdInsideTheBulkNotAtTheOutlier()
    {
        var x = GaussianWithOutliers(100_000, 40f);
        var c = new EntropyCalibrator();
        var r = c.Range(Observe(x, c, true), true);
        // The KL optimum for a Gaussian with 128 levels sits around 3-5 sigma; min-max would say 40.
        Assert.InRange(r.Max, 2.5f, 8f);
        Assert.Equal(-r.Max, r.Min);
    }

    [Fact]
    public void EntropyKeepsAUniformDistributionWhole()
    {
        // Clipping a uniform distribution only loses information: the best threshold is (nearly) its maximum.
        var x = Enumerable.Range(0, 20000).Select(i => i / 20000f).ToArray();
        var c = new EntropyCalibrator();
        var r = c.Range(Observe(x, c, false), false);
        Assert.InRange(r.Max, 0.95f, 1f);
        Assert.Equal(0f, r.Min);
    }

    [Fact]
    public void ActivationParametersFollowOnnxConventions()
    {
        var (s, z) = QuantParams.Activation(new TensorRange(0f, 1f), symmetric: false);
        Assert.Equal(1f / 255, s, 6);
        Assert.Equal(0, z);
        (s, z) = QuantParams.Activation(new TensorRange(-1f, 3f), symmetric: false);
        Assert.Equal(4f / 255, s, 6);
        Assert.Equal(64, z);
        // A range that excludes 0 is widened to include it (0 must be exact).
        (s, z) = QuantParams.Activation(new TensorRange(2f, 4f), symmetric: false);
        Assert.Equal(4f / 255, s, 6);
        Assert.Equal(0, z);
        (s, z) = QuantParams.Activation(new TensorRange(-3f, 1f), symmetric: true);
        Assert.Equal(3f / 127, s, 6);
        Assert.Equal(0, z);
        Assert.Equal((1f, 0), QuantParams.Activation(new TensorRange(0f, 0f), symmetric: false));
    }

    [Fact]
    public void PerChannelWeightsUseOneScalePerOutputChannel()
    {
        // Conv weight [2, 1, 1, 2]: channel 0 spans ±1, channel 1 spans ±100.
        float[] w = [1f, -0.5f, 100f, 25f];
        var (q, scale) = QuantParams.Weights(w, [2, 1, 1, 2], axis: 0, qmax: 127);
        Assert.Equal([1f / 127, 100f / 127], scale);
        Assert.Equal(new sbyte[] { 127, -64, 127, 32 }, q);
        var (qt, st) = QuantParams.Weights(w, [2, 1, 1, 2], axis: -1, qmax: 63);
        Assert.Single(st);
        Assert.Equal(new sbyte[] { 1, 0, 63, 16 }, qt);
        // MatMul weight [K=2, N=3] per column (axis 1).
        var (_, sc) = QuantParams.Weights([1f, 2f, 3f, -4f, 0f, 6f], [2, 3], axis: 1, qmax: 63);
        Assert.Equal([4f / 63, 2f / 63, 6f / 63], sc);
        var (bq, bs) = QuantParams.Bias([0.5f, -1f], 0.1f, [0.5f, 0.25f]);
        Assert.Equal([0.05f, 0.025f], bs);
        Assert.Equal([10, -40], bq);
    }
}
