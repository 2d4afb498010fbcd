using Axon.Graph.Reference;
using static Axon.Graph.Tests.Ops.MathOpRunner;

namespace Axon.Graph.Tests.Ops;

public class MiscOpTests
{
    [Fact]
    public void ConstantReadsEveryValueAttribute()
    {
        Assert.Equal(new[] { 2.5f }, Run1("Constant", [], 13, Attr.Of("value_float", 2.5f)).ToArray<float>());
        Assert.Empty(Run1("Constant", [], 13, Attr.Of("value_int", 7L)).Shape);
        Assert.Equal(new long[] { 1, 2 }, Run1("Constant", [], 13, Attr.Of("value_ints", new long[] { 1, 2 })).ToArray<long>());
        Assert.Equal(new[] { "a", "b" }, Run1("Constant", [], 13, Attr.Of("value_strings", new[] { "a", "b" })).Strings.ToArray());
        Assert.Equal("s", Run1("Constant", [], 13, Attr.Of("value_string", "s")).Strings[0]);
        Assert.Equal(new[] { 1.0, 2.0 }, Run1("Constant", [], 13, Attr.Of("value", F64(1, 2))).ToArray<double>());
    }

    [Fact]
    public void IdentityPassesSequencesAndOptionals()
    {
        var seq = new TensorSequence(DType.Float32, [F32(1f)]);
        Assert.Same(seq, Run("Identity", [seq], 1, 16)[0]);
        var opt = new OptionalValue(null);
        Assert.Same(opt, Run("Identity", [opt], 1, 16)[0]);
    }

    [Fact]
    public void DropoutInInferenceIsIdentityWithAllTrueMask()
    {
        var x = F32(1f, 2f, 3f);
        var r = Run("Dropout", [x], 2, 13);
        Assert.Equal(new[] { 1f, 2f, 3f }, ((Tensor)r[0]!).ToArray<float>());
        Assert.Equal(new[] { true, true, true }, ((Tensor)r[1]!).ToArray<bool>());
        var zero = Run("Dropout", [x, Tensor.Scalar(0f), Tensor.Scalar(true)], 2, 13);
        Assert.Equal(new[] { 1f, 2f, 3f }, ((Tensor)zero[0]!).ToArray<float>());
    }

    [Fact]
    public void DropoutTrainingFollowsTheSeededGenerator()
    {
        // np.random.seed(0); np.random.uniform(size=3) = [0.5488135, 0.71518937, 0.60276338]: with ratio 0.6 the first is dropped.
        var r = Run("Dropout", [F32(1f, 2f, 3f), Tensor.Scalar(0.6f), Tensor.Scalar(true)], 2, 13, Attr.Of("seed", 0L));
        var y = ((Tensor)r[0]!).ToArray<float>();
        Assert.Equal(new[] { false, true, true }, ((Tensor)r[1]!).ToArray<bool>());
        Assert.Equal(0f, y[0]);
        Assert.Equal(2f / (1 - 0.6f), y[1], 5);
        Assert.Equal(3f / (1 - 0.6f), y[2], 5);
    }

    [Fact]
    public void MersenneTwisterMatchesReferenceStream()
    {
        var mt = new Mt19937(5489);
        Assert.Equal(3499211612u, mt.NextUInt32());
        var m0 = new Mt19937(0);
        Assert.Equal(0.5488135039273248, m0.NextDouble(), 15);
    }

    [Fact]
    public void IntegerArithmeticWraps()
    {
        var a = Tensor.FromArray(new sbyte[] { 127, -128 });
        var b = Tensor.FromArray(new sbyte[] { 1, 1 });
        Assert.Equal(new sbyte[] { -128, 127 }, new[] { Run1("Add", [a, b], 14).ToArray<sbyte>()[0], Run1("Sub", [a, b], 14).ToArray<sbyte>()[1] });
        Assert.Equal(new sbyte[] { 127, -128 }, Run1("Mul", [a, b], 14).ToArray<sbyte>());
        Assert.Equal(new sbyte[] { -127, -128 }, Run1("Neg", [a], 13).ToArray<sbyte>());
        Assert.Equal(new[] { ulong.MaxValue }, Run1("Abs", [Tensor.FromArray(new[] { ulong.MaxValue })], 13).ToArray<ulong>());
    }

    [Fact]
    public void LegacyBroadcastAlignsBAtAxis()
    {
        var a = Tensor.FromArray(new[] { 1f, 1f, 1f, 1f, 1f, 1f }, 2, 3);
        var b = F32(1f, 2f);
        var r = Run1("Mul", [a, b], 6, Attr.Of("broadcast", 1L), Attr.Of("axis", 0L));
        Assert.Equal(new[] { 1f, 1f, 1f, 2f, 2f, 2f }, r.ToArray<float>());
    }
}
