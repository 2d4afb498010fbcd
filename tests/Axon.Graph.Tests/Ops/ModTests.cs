using static Axon.Graph.Tests.Ops.MathOpRunner;

namespace Axon.Graph.Tests.Ops;

public class ModTests
{
    [Fact]
    public void IntegerModTakesTheDivisorsSign()
    {
        var r = Run1("Mod", [I64(-7, 7, -7, 7, 6), I64(3, -3, -3, 3, 3)]);
        Assert.Equal(new long[] { 2, -2, -1, 1, 0 }, r.ToArray<long>());
    }

    [Fact]
    public void FmodTakesTheDividendsSign()
    {
        var r = Run1("Mod", [I32(-7, 7, -7), I32(3, -3, -3)], 13, Attr.Of("fmod", 1L));
        Assert.Equal(new[] { -1, 1, -1 }, r.ToArray<int>());
        var f = Run1("Mod", [F32(5.5f, -5.5f), F32(-2f, 2f)], 13, Attr.Of("fmod", 1L));
        Assert.Equal(new[] { 1.5f, -1.5f }, f.ToArray<float>());
    }

    [Fact]
    public void Uint64ModIsUnsignedAndBroadcasts()
    {
        var a = Tensor.FromArray(new[] { ulong.MaxValue, 10UL }, 2, 1);
        var b = Tensor.FromArray(new[] { 10UL, 7UL });
        var r = Run1("Mod", [a, b]).ToArray<ulong>();
        // 18446744073709551615 = 10 * 1844674407370955161 + 5 = 7 * 2635249153387078802 + 1.
        Assert.Equal(new ulong[] { 5, 1, 0, 3 }, r);
    }

    [Fact]
    public void IntegerDivisionTruncatesTowardZero()
    {
        Assert.Equal(new long[] { -3, -3, 3 }, Run1("Div", [I64(-7, 7, -7), I64(2, -2, -2)]).ToArray<long>());
        Assert.Equal(new byte[] { 127 }, Run1("Div", [Tensor.FromArray(new byte[] { 255 }), Tensor.FromArray(new byte[] { 2 })]).ToArray<byte>());
    }

    [Fact]
    public void PowKeepsTheBaseDtype()
    {
        // int base, float exponent: computed in double, truncated into the base's dtype.
        Assert.Equal(new[] { 1, 8, 0 }, Run1("Pow", [I32(2, 2, 2), F32(0.5f, 3f, -1f)]).ToArray<int>());
        Assert.Equal(new[] { 0.25f, 27f }, Run1("Pow", [F32(2f, 3f), I64(-2, 3)]).ToArray<float>());
        Assert.Equal(new long[] { 1024, 1, -1 }, Run1("Pow", [I64(2, 1, -1), I64(10, -5, 3)]).ToArray<long>());
    }
}
