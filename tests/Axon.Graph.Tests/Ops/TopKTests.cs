using static Axon.Graph.Tests.Ops.ShapeOpRunner;

namespace Axon.Graph.Tests.Ops;

public class TopKTests
{
    private static (Tensor Values, Tensor Indices) TopK(Tensor x, long k, long opset = 11, params Attr[] attrs)
    {
        var r = RunAll("TopK", [x, I64(k)], 2, opset, attrs);
        return ((Tensor)r[0]!, (Tensor)r[1]!);
    }

    [Fact]
    public void LargestBreaksTiesByLowerIndex()
    {
        var (v, i) = TopK(F32([3, 1, 3, 2], 4), 2);
        Assert.Equal(new double[] { 3, 3 }, v.ToDoubles());
        Assert.Equal(new long[] { 0, 2 }, i.ToInt64s());
    }

    [Fact]
    public void Smallest()
    {
        var (v, i) = TopK(F32([3, 1, 3, 2], 4), 2, 11, Attr.Of("largest", 0L));
        Assert.Equal(new double[] { 1, 2 }, v.ToDoubles());
        Assert.Equal(new long[] { 1, 3 }, i.ToInt64s());
    }

    [Fact]
    public void AlongAxis0()
    {
        var (v, i) = TopK(F32([1, 5, 4, 2, 4, 9], 3, 2), 2, 11, Attr.Of("axis", 0L));
        AssertTensor(v, [2, 2], [4, 9, 4, 5]);
        Assert.Equal(new long[] { 1, 2, 2, 0 }, i.ToInt64s());
    }

    [Fact]
    public void UInt64ComparesUnsigned()
    {
        var (_, i) = TopK(Tensor.FromArray(new ulong[] { 1, ulong.MaxValue, 1UL << 63 }), 2);
        Assert.Equal(new long[] { 1, 2 }, i.ToInt64s());
    }

    [Fact]
    public void Opset1TakesKAttribute()
    {
        var r = RunAll("TopK", [F32([1, 3, 2], 3)], 2, 1, Attr.Of("k", 1L));
        Assert.Equal(new long[] { 1 }, ((Tensor)r[1]!).ToInt64s());
    }

    private static long[] L(IValue? v) => ((Tensor)v!).ToInt64s();

    [Fact]
    public void UniqueSortedAndUnsorted()
    {
        var x = Tensor.FromArray(new long[] { 2, 1, 1, 3, 4, 3 });
        var s = RunAll("Unique", [x], 4, 11);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, L(s[0]));
        Assert.Equal(new long[] { 1, 0, 3, 4 }, L(s[1]));
        Assert.Equal(new long[] { 1, 0, 0, 2, 3, 2 }, L(s[2]));
        Assert.Equal(new long[] { 2, 1, 2, 1 }, L(s[3]));
        var u = RunAll("Unique", [x], 4, 11, Attr.Of("sorted", 0L));
        Assert.Equal(new long[] { 2, 1, 3, 4 }, L(u[0]));
        Assert.Equal(new long[] { 0, 1, 3, 4 }, L(u[1]));
        Assert.Equal(new long[] { 0, 1, 1, 2, 3, 2 }, L(u[2]));
        Assert.Equal(new long[] { 1, 2, 2, 1 }, L(u[3]));
    }

    [Fact]
    public void UniqueSlicesAlongAxis()
    {
        var x = Tensor.FromArray(new long[] { 1, 0, 0, 1, 0, 0, 2, 3, 4 }, 3, 3);
        var r = RunAll("Unique", [x], 4, 11, Attr.Of("axis", 0L));
        Assert.Equal(new[] { 2, 3 }, ((Tensor)r[0]!).Shape);
        Assert.Equal(new long[] { 1, 0, 0, 2, 3, 4 }, L(r[0]));
        Assert.Equal(new long[] { 0, 2 }, L(r[1]));
        Assert.Equal(new long[] { 0, 0, 1 }, L(r[2]));
        Assert.Equal(new long[] { 2, 1 }, L(r[3]));
    }

    [Fact]
    public void UniqueStrings()
    {
        var r = RunAll("Unique", [Tensor.FromStrings(["b", "a", "b"], 3)], 4, 11);
        Assert.Equal(new[] { "a", "b" }, ((Tensor)r[0]!).Strings.ToArray());
        Assert.Equal(new long[] { 1, 2 }, L(r[3]));
    }
}
