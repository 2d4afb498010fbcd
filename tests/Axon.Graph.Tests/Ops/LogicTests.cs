using static Axon.Graph.Tests.Ops.MathOpRunner;

namespace Axon.Graph.Tests.Ops;

public class LogicTests
{
    [Fact]
    public void EqualComparesStringsWithBroadcast()
    {
        var a = Tensor.FromStrings(["a", "b", "c", "a"], 2, 2);
        var b = Tensor.FromStrings(["a", "c"], 2);
        Assert.Equal(new[] { true, false, false, false }, Run1("Equal", [a, b], 19).ToArray<bool>());
    }

    [Fact]
    public void ComparisonsOrderUint64Unsigned()
    {
        var a = Tensor.FromArray(new[] { ulong.MaxValue, 1UL });
        var b = Tensor.FromArray(new[] { 1UL, ulong.MaxValue });
        Assert.Equal(new[] { true, false }, Run1("Greater", [a, b], 13).ToArray<bool>());
        Assert.Equal(new[] { false, true }, Run1("LessOrEqual", [a, b], 16).ToArray<bool>());
        Assert.Equal(new[] { ulong.MaxValue, ulong.MaxValue }, Run1("Max", [a, b], 13).ToArray<ulong>());
    }

    [Fact]
    public void NaNComparesFalse()
    {
        Assert.Equal(new[] { false, false }, Run1("Equal", [F32(float.NaN, 1f), F32(float.NaN, 2f)]).ToArray<bool>());
    }

    [Fact]
    public void WhereSelectsStringsWithThreeWayBroadcast()
    {
        var c = Tensor.FromArray(new[] { true, false }, 2, 1);
        var x = Tensor.FromStrings(["x0", "x1"], 2);
        var y = Tensor.FromStrings(["y"]);
        var r = Run1("Where", [c, x, y], 16);
        Assert.Equal(new[] { 2, 2 }, r.Shape);
        Assert.Equal(new[] { "x0", "x1", "y", "y" }, r.Strings.ToArray());
    }

    [Fact]
    public void BoolOps()
    {
        var a = Tensor.FromArray(new[] { true, true, false, false });
        var b = Tensor.FromArray(new[] { true, false, true, false });
        Assert.Equal(new[] { true, false, false, false }, Run1("And", [a, b], 7).ToArray<bool>());
        Assert.Equal(new[] { true, true, true, false }, Run1("Or", [a, b], 7).ToArray<bool>());
        Assert.Equal(new[] { false, true, true, false }, Run1("Xor", [a, b], 7).ToArray<bool>());
        Assert.Equal(new[] { false, false, true, true }, Run1("Not", [a], 1).ToArray<bool>());
    }

    [Fact]
    public void BitOps()
    {
        var a = Tensor.FromArray(new byte[] { 0b1100, 200 });
        var b = Tensor.FromArray(new byte[] { 0b1010, 1 });
        Assert.Equal(new byte[] { 0b1000, 0 }, Run1("BitwiseAnd", [a, b], 18).ToArray<byte>());
        Assert.Equal(new byte[] { 0b1110, 201 }, Run1("BitwiseOr", [a, b], 18).ToArray<byte>());
        Assert.Equal(new byte[] { 0b0110, 201 }, Run1("BitwiseXor", [a, b], 18).ToArray<byte>());
        Assert.Equal(new byte[] { 243, 55 }, Run1("BitwiseNot", [a], 18).ToArray<byte>());
        // 200 << 1 drops the high bit; shifting by the width or more gives 0.
        var s = Run1("BitShift", [a, Tensor.FromArray(new byte[] { 1, 8 })], 11, Attr.Of("direction", "LEFT"));
        Assert.Equal(new byte[] { 24, 0 }, s.ToArray<byte>());
        var big = Run1("BitShift", [Tensor.FromArray(new[] { ulong.MaxValue }), Tensor.FromArray(new[] { 60UL })], 11, Attr.Of("direction", "RIGHT"));
        Assert.Equal(new[] { 15UL }, big.ToArray<ulong>());
    }

    [Fact]
    public void VariadicOpsBroadcast()
    {
        var a = Tensor.FromArray(new[] { 1f, 5f }, 2, 1);
        var b = F32(2f, 3f, float.NaN);
        Assert.Equal(new[] { 3f, 4f, float.NaN, 7f, 8f, float.NaN }, Run1("Sum", [a, b, F32(0f)], 13).ToArray<float>());
        Assert.Equal(new[] { 1.5f, 2f, float.NaN, 3.5f, 4f, float.NaN }, Run1("Mean", [a, b], 13).ToArray<float>());
        Assert.Equal(new[] { 1f, 1f, float.NaN, 2f, 3f, float.NaN }, Run1("Min", [a, b], 13).ToArray<float>());
        Assert.Equal(new long[] { 3 }, Run1("Max", [I64(3)], 13).ToArray<long>());
    }
}
