using System.Runtime.Intrinsics;
using Axon.Kernels.Elementwise;

namespace Axon.Kernels.Tests;

public sealed class FastExpTests
{
    [Fact]
    public void MatchesExpWithinAFewUlpOverTheNormalRange()
    {
        double worst = 0;
        for (float x = -86.5f; x < 88.7f; x += 0.0137f)
        {
            var v = Vector256.Create(x, x + 0.001f, x - 0.003f, -x * 0.01f, x * 0.5f, 0.3f, -0.7f, x * 1e-3f);
            var e = FastExp.Exp(v);
            for (int i = 0; i < 8; i++)
            {
                double want = Math.Exp(v[i]);
                worst = Math.Max(worst, Math.Abs(e[i] - want) / want);
            }
        }
        Assert.True(worst < 5e-7, $"worst relative error {worst}");
    }

    [Fact]
    public void EdgesGiveZeroInfinityAndNaN()
    {
        var e = FastExp.Exp(Vector256.Create(float.NegativeInfinity, -1000f, -90f, 0f, 89f, float.PositiveInfinity, float.NaN, 1f));
        Assert.Equal(0f, e[0]);
        Assert.Equal(0f, e[1]);
        Assert.Equal(0f, e[2]);
        Assert.Equal(1f, e[3]);
        Assert.Equal(float.PositiveInfinity, e[4]);
        Assert.Equal(float.PositiveInfinity, e[5]);
        Assert.True(float.IsNaN(e[6]));
        Assert.Equal(MathF.E, e[7], 6);
    }
}
