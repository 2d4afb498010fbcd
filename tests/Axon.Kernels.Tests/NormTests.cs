using Axon.Kernels.Attention;
using Axon.Kernels.Norm;
using Axon.Kernels.Reduce;

namespace Axon.Kernels.Tests;

public sealed unsafe class NormTests
{
    private static void Near(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * (1 + Math.Abs(expected)), $"{actual} vs expected {expected}");

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 17)]
    [InlineData(4, 129)]
    public void SoftmaxRowsSumToOneAndMatchDefinition(int rows, int cols)
    {
        var x = Random(rows * cols, 1);
        var y = new float[x.Length];
        var ly = new float[x.Length];
        Softmax.Rows(x, y, rows, cols);
        Softmax.Rows(x, ly, rows, cols, log: true);
        for (int r = 0; r < rows; r++)
        {
            double max = x.Skip(r * cols).Take(cols).Max();
            double sum = x.Skip(r * cols).Take(cols).Sum(v => Math.Exp(v - max));
            for (int j = 0; j < cols; j++)
            {
                double e = Math.Exp(x[r * cols + j] - max) / sum;
                Near(e, y[r * cols + j], 2e-6);
                Near(Math.Log(e), ly[r * cols + j], 2e-5);
            }
        }
    }

    /// <summary>
    /// Softmax's exp (FastExp.Exp) over a wide spread with masked (-∞) entries. Each output divided by its row's largest
    /// output is e^(x-max) times two roundings, free of the float sum's own error, so it pins the exp: measured worst
    /// relative error 2.84e-7 over these rows, asserted at 3e-7. Masked entries are exactly 0; entries more than 86.6 below
    /// the max may be flushed to 0 by the vector exp (their true value is below 2.6e-38).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(129)]
    [InlineData(1000)]
    public void SoftmaxIsRelativelyAccurateOverAWideSpreadWithMaskedEntries(int cols)
    {
        var r = new Random(cols);
        const int rows = 16;
        var x = new float[rows * cols];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i % 7 == 3 ? float.NegativeInfinity : (float)(r.NextDouble() * 120 - 80);
        }
        var y = new float[x.Length];
        Softmax.Rows(x, y, rows, cols);
        double worst = 0;
        for (int row = 0; row < rows; row++)
        {
            var xs = x.AsSpan(row * cols, cols).ToArray();
            var ys = y.AsSpan(row * cols, cols).ToArray();
            int top = Array.IndexOf(xs, xs.Max());
            if (float.IsNegativeInfinity(xs[top]))
            {
                continue;
            }
            Near(1.0, ys.Sum(v => (double)v), 1e-5);
            for (int j = 0; j < cols; j++)
            {
                double want = Math.Exp((float)(xs[j] - xs[top])); // the kernel subtracts in float too
                if (float.IsNegativeInfinity(xs[j]))
                {
                    Assert.Equal(0f, ys[j]);
                }
                else if (want < 2.6e-38)
                {
                    Assert.True(ys[j] >= 0 && ys[j] <= 2.6e-38, $"softmax of {xs[j]} (max {xs[top]}) = {ys[j]}");
                }
                else
                {
                    worst = Math.Max(worst, Math.Abs((double)ys[j] / ys[top] - want) / want);
                }
            }
        }
        Assert.True(worst <= 3e-7, $"worst relative error {worst:E3}");
    }

    [Theory]
    [InlineData(2, 7)]
    [InlineData(3, 384)]
    public void LayerNormMatchesDefinition(int rows, int cols)
    {
        var x = Random(rows * cols, 2);
        var g = Random(cols, 3);
        var b = Random(cols, 4);
        var y = new float[x.Length];
        var mean = new float[rows];
        var inv = new float[rows];
        LayerNorm.Rows(x, y, rows, cols, g, b, 1e-5f, mean, inv);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * cols).Take(cols).Select(v => (double)v).ToArray();
            double m = row.Average();
            double v = row.Sum(t => (t - m) * (t - m)) / cols;
            Near(m, mean[r], 2e-5);
            Near(1 / Math.Sqrt(v + 1e-5), inv[r], 1e-4);
            for (int j = 0; j < cols; j++)
            {
                Near((row[j] - m) / Math.Sqrt(v + 1e-5) * g[j] + b[j], y[r * cols + j], 1e-4);
            }
        }
    }

    [Theory]
    [InlineData(ReduceKind.Sum)]
    [InlineData(ReduceKind.Mean)]
    [InlineData(ReduceKind.Max)]
    [InlineData(ReduceKind.Min)]
    [InlineData(ReduceKind.SumSquare)]
    public void ReduceAlongMiddleAndLastAxis(ReduceKind kind)
    {
        int outer = 3, axis = 5, inner = 17;
        var x = Random(outer * axis * inner, 5);
        foreach (var (o, a, i) in new[] { (outer, axis, inner), (outer * axis, inner, 1) })
        {
            var y = new float[o * i];
            Reductions.Axis(x, y, o, a, i, kind);
            for (int p = 0; p < o; p++)
            {
                for (int q = 0; q < i; q++)
                {
                    var vals = Enumerable.Range(0, a).Select(k => (double)x[(p * a + k) * i + q]).ToArray();
                    double e = kind switch
                    {
                        ReduceKind.Sum => vals.Sum(),
                        ReduceKind.Mean => vals.Average(),
                        ReduceKind.Max => vals.Max(),
                        ReduceKind.Min => vals.Min(),
                        _ => vals.Sum(v => v * v),
                    };
                    Near(e, y[p * i + q], 1e-4);
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 2, 2, 5, 5, 8, false)]
    [InlineData(2, 4, 2, 70, 70, 16, true)]
    [InlineData(1, 3, 1, 3, 9, 17, true)]
    [InlineData(1, 2, 1, 129, 17, 3, false)]
    [InlineData(3, 1, 1, 17, 129, 1, true)]
    // Value rows of whole 16-float panels take the six-row path (scores, exp, P·V per group of query rows).
    [InlineData(1, 3, 3, 13, 133, 32, false)]
    [InlineData(2, 2, 1, 7, 9, 48, true)]
    [InlineData(1, 1, 1, 1, 1, 16, false)]
    [InlineData(1, 2, 2, 9, 20, 20, false)]
    [InlineData(1, 1, 1, 5, 400, 16, true)]
    public void FusedAttentionMatchesNaive(int batch, int heads, int kvHeads, int sq, int sk, int d, bool causal)
    {
        var s = new AttentionShape(batch, heads, kvHeads, sq, sk, d, d);
        var q = Random(batch * heads * sq * d, 6);
        var k = Random(batch * kvHeads * sk * d, 7);
        var v = Random(batch * kvHeads * sk * d, 8);
        var mask = Random(sq * sk, 9);
        var o = new float[batch * heads * sq * d];
        float scale = 1f / MathF.Sqrt(d);
        fixed (float* pq = q, pk = k, pv = v, po = o, pm = mask)
        {
            FusedAttention.Run(s, pq, pk, pv, po, scale, causal, pm);
        }
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                int kh = h / (heads / kvHeads);
                for (int i = 0; i < sq; i++)
                {
                    var sc = new double[sk];
                    for (int j = 0; j < sk; j++)
                    {
                        double dot = 0;
                        for (int t = 0; t < d; t++)
                        {
                            dot += q[((b * heads + h) * sq + i) * d + t] * k[((b * kvHeads + kh) * sk + j) * d + t];
                        }
                        sc[j] = dot * scale + mask[i * sk + j];
                        if (causal && j > i + (sk - sq))
                        {
                            sc[j] = double.NegativeInfinity;
                        }
                    }
                    double mx = sc.Max();
                    double sum = sc.Sum(z => Math.Exp(z - mx));
                    for (int t = 0; t < d; t++)
                    {
                        double acc = 0;
                        for (int j = 0; j < sk; j++)
                        {
                            acc += Math.Exp(sc[j] - mx) / sum * v[((b * kvHeads + kh) * sk + j) * d + t];
                        }
                        Near(acc, o[((b * heads + h) * sq + i) * d + t], 1e-4);
                    }
                }
            }
        }
    }
}
