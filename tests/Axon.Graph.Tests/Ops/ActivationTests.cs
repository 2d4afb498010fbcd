using static Axon.Graph.Tests.Ops.MathOpRunner;

namespace Axon.Graph.Tests.Ops;

/// <summary>Unary activations and math functions on float64 inputs, against hand-computed values.</summary>
public class ActivationTests
{
    public static TheoryData<string, double[], double[], Attr[]> Cases => new()
    {
        { "Relu", [-1, 0, 2, double.NaN], [0, 0, 2, double.NaN], [] },
        { "LeakyRelu", [-2, 3], [-1, 3], [Attr.Of("alpha", 0.5f)] },
        { "HardSigmoid", [-3, 0, 3], [0, 0.5, 1], [] },
        { "HardSwish", [-4, 0, 1, 4], [0, 0, 2.0 / 3, 4], [] },
        { "Elu", [-1, 2], [Math.Exp(-1) - 1, 2], [] },
        { "Selu", [-1, 0, 1], [-1.1113307412864784, 0, 1.05070102214813232421875], [] },
        { "Celu", [-2, 3], [-1.2642411176571153, 3], [Attr.Of("alpha", 2f)] },
        { "ThresholdedRelu", [0.5, 1, 2], [0, 0, 2], [] },
        { "Shrink", [-2, -1, 1, 2], [-1.5, 0, 0, 1.5], [Attr.Of("lambd", 1.5f), Attr.Of("bias", 0.5f)] },
        { "Softplus", [0, 1, -20, 40], [0.6931471805599453, 1.3132616875182228, 2.061153620314381e-09, 40], [] },
        { "Softsign", [3, -1], [0.75, -0.5], [] },
        { "Swish", [1, 0], [0.8807970779778823, 0], [Attr.Of("alpha", 2f)] },
        { "Mish", [1, -1], [0.8650983882673103, -0.30340146137410895], [] },
        { "Gelu", [1, -0.5], [0.8413447460685429, -0.15426876936299344], [] },
        { "Gelu", [1, -2], [0.8411919906082768, -0.04540230591222494], [Attr.Of("approximate", "tanh")] },
        { "Erf", [0.5, -2, 3.5, 5.9, 1e-3, 7], [0.5204998778130465, -0.9953222650189527, 0.9999992569016276, 0.9999999999999999, 0.0011283787909692365, 1], [] },
        { "Sigmoid", [-800, 0, 800], [0, 0.5, 1], [] },
        { "Round", [0.5, 1.5, 2.5, -0.5, -1.5, 2.4], [0, 2, 2, -0.0, -2, 2], [] },
        { "Sign", [-3, 0, 2, double.NaN], [-1, 0, 1, double.NaN], [] },
        { "Reciprocal", [4, -0.5], [0.25, -2], [] },
        { "Ceil", [-1.5, 1.2], [-1, 2], [] },
        { "Floor", [-1.5, 1.2], [-2, 1], [] },
        { "Acosh", [1], [0], [] },
        { "Atanh", [0.5], [0.5493061443340549], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputesHandValues(string op, double[] x, double[] expected, Attr[] attrs)
    {
        var r = Run1(op, [F64(x)], 22, attrs).ToArray<double>();
        Assert.Equal(expected.Length, r.Length);
        for (int i = 0; i < r.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                Assert.True(double.IsNaN(r[i]), $"{op}({x[i]}) should be NaN, got {r[i]}");
            }
            else
            {
                Assert.True(Math.Abs(r[i] - expected[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"{op}({x[i]}) = {r[i]}, expected {expected[i]}");
            }
        }
    }

    [Fact]
    public void Float16ComputesInDoubleAndRoundsOnce()
    {
        var x = Tensor.FromArray(new[] { (Half)1, (Half)(-1) });
        var r = Run1("Sigmoid", [x], 13).ToArray<Half>();
        Assert.Equal((Half)0.7310585786300049, r[0]);
        Assert.Equal((Half)0.2689414213699951, r[1]);
    }

    [Fact]
    public void PReluSlopeBroadcastsAndOldOpsetsUseChannels()
    {
        var x = Tensor.FromArray(new[] { -1f, 2f, -3f, 4f }, 2, 2);
        Assert.Equal(new[] { -0.5f, 2f, -1.5f, 4f }, Run1("PRelu", [x, F32(0.5f, 0.25f)], 16).ToArray<float>());
        // Opset 6: a 1-D slope of length C applies along axis 1 of [N, C, L].
        var x3 = Tensor.FromArray(new[] { -1f, -1f, -1f, -1f }, 1, 2, 2);
        Assert.Equal(new[] { -0.5f, -0.5f, -0.25f, -0.25f }, Run1("PRelu", [x3, F32(0.5f, 0.25f)], 6).ToArray<float>());
    }

    [Fact]
    public void SwiGLUGatesTheSecondInput()
    {
        var r = Run1("SwiGLU", [F64(1, 0), F64(2, 5)], 28).ToArray<double>();
        Assert.Equal(2 * 0.7310585786300049, r[0], 12);
        Assert.Equal(0, r[1]);
    }
}
