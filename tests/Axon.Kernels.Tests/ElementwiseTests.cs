using Axon.Kernels.Elementwise;

namespace Axon.Kernels.Tests;

public sealed class ElementwiseTests
{
    private static float[] Inputs(int n)
    {
        var r = new Random(42);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 12 - 6)).ToArray();
    }

    private static double Erf(double x)
    {
        // Series for |x| < 3, asymptotic tail otherwise: double-precision reference for the float kernels.
        if (Math.Abs(x) > 5)
        {
            return Math.Sign(x);
        }
        double sum = x, term = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static TheoryData<string> Ops() => new() { "relu", "sigmoid", "tanh", "gelu", "gelutanh", "silu", "erf", "exp", "hardswish", "leaky", "clip" };

    [Theory]
    [MemberData(nameof(Ops))]
    public void UnaryOpsMatchDoublePrecisionFormulas(string name)
    {
        foreach (int n in new[] { 1, 3, 8, 17, 129 })
        {
            var x = Inputs(n);
            var y = new float[n];
            Func<double, double> f;
            switch (name)
            {
                case "relu": Unary.Apply(new ReluOp(), x, y); f = v => Math.Max(v, 0); break;
                case "sigmoid": Unary.Apply(new SigmoidOp(), x, y); f = v => 1 / (1 + Math.Exp(-v)); break;
                case "tanh": Unary.Apply(new TanhOp(), x, y); f = Math.Tanh; break;
                case "gelu": Unary.Apply(new GeluOp(), x, y); f = v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))); break;
                case "gelutanh": Unary.Apply(new GeluTanhOp(), x, y); f = v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))); break;
                case "silu": Unary.Apply(new SiluOp(), x, y); f = v => v / (1 + Math.Exp(-v)); break;
                case "erf": Unary.Apply(new ErfOp(), x, y); f = Erf; break;
                case "exp": Unary.Apply(new ExpOp(), x, y); f = Math.Exp; break;
                case "hardswish": Unary.Apply(new HardSwishOp(), x, y); f = v => v * Math.Clamp(v / 6 + 0.5, 0, 1); break;
                case "leaky": Unary.Apply(new LeakyReluOp(0.1f), x, y); f = v => v >= 0 ? v : 0.1 * v; break;
                default: Unary.Apply(new ClipOp(-1, 2), x, y); f = v => Math.Clamp(v, -1, 2); break;
            }
            for (int i = 0; i < n; i++)
            {
                double e = f(x[i]);
                Assert.True(Math.Abs(e - y[i]) <= 2e-6 + 2e-6 * Math.Abs(e), $"{name}({x[i]}) = {y[i]}, expected {e} (n={n})");
            }
        }
    }

    [Fact]
    public void TanhIsRelativelyAccurateNearZero()
    {
        var x = Enumerable.Range(1, 64).Select(i => i * 1e-3f * (i % 2 == 0 ? 1 : -1)).ToArray();
        var y = new float[x.Length];
        Unary.Apply(new TanhOp(), x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double e = Math.Tanh(x[i]);
            Assert.True(Math.Abs(y[i] - e) <= 1e-6 * Math.Abs(e), $"tanh({x[i]}) = {y[i]}, expected {e}");
        }
    }

    [Fact]
    public void ReluKeepsNaN() => Assert.True(float.IsNaN(new ReluOp().Invoke(float.NaN)));

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 1, 3, 1 }, new[] { 2, 1, 17 })]
    [InlineData(new[] { 5, 1, 9 }, new[] { 1 })]
    [InlineData(new int[0], new[] { 3, 2 })]
    public void BinaryBroadcastMatchesIndexArithmetic(int[] aShape, int[] bShape)
    {
        int rank = Math.Max(aShape.Length, bShape.Length);
        var yShape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int da = d - (rank - aShape.Length) >= 0 ? aShape[d - (rank - aShape.Length)] : 1;
            int db = d - (rank - bShape.Length) >= 0 ? bShape[d - (rank - bShape.Length)] : 1;
            yShape[d] = Math.Max(da, db);
        }
        var a = Inputs(aShape.Aggregate(1, (p, v) => p * v));
        var b = Inputs(bShape.Aggregate(1, (p, v) => p * v)).Select(v => v + 7f).ToArray();
        var y = new float[yShape.Aggregate(1, (p, v) => p * v)];
        Binary.Apply(new DivOp(), a, aShape, b, bShape, y, yShape);
        for (int i = 0; i < y.Length; i++)
        {
            int rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
            var idx = new int[rank];
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d] = rem % yShape[d];
                rem /= yShape[d];
            }
            for (int d = rank - 1; d >= 0; d--)
            {
                int ka = d - (rank - aShape.Length), kb = d - (rank - bShape.Length);
                if (ka >= 0)
                {
                    ia += (aShape[ka] == 1 ? 0 : idx[d]) * sa;
                    sa *= aShape[ka];
                }
                if (kb >= 0)
                {
                    ib += (bShape[kb] == 1 ? 0 : idx[d]) * sb;
                    sb *= bShape[kb];
                }
            }
            Assert.Equal(a[ia] / b[ib], y[i]);
        }
    }
}
