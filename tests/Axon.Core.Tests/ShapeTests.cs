namespace Axon.Core.Tests;

public class ShapeTests
{
    [Fact]
    public void DimKinds()
    {
        Dim k = 5;
        Assert.True(k.IsKnown);
        Assert.False(k.IsSymbolic);
        Assert.Equal("5", k.ToString());
        var s = Dim.Sym("batch");
        Assert.False(s.IsKnown);
        Assert.True(s.IsSymbolic);
        Assert.Equal(-1, s.Value);
        Assert.Equal("batch", s.ToString());
        Assert.Equal("?", Dim.Unknown.ToString());
        Assert.Equal(Dim.Sym("batch"), s);
        Assert.NotEqual(Dim.Sym("seq"), s);
        Assert.NotEqual(Dim.Unknown, s);
        Assert.Throws<AxonModelException>(() => Dim.Known(-3));
    }

    [Fact]
    public void StaticShapes()
    {
        var s = SymShape.Of(2, 3, 4);
        Assert.True(s.IsStatic);
        Assert.Equal(3, s.Rank);
        Assert.Equal(24, s.ElementCount);
        Assert.Equal([2, 3, 4], s.ToInts());
        Assert.Equal("[2,3,4]", s.ToString());
        Assert.Equal(s, SymShape.Of([2, 3, 4]));
        Assert.Equal(s.GetHashCode(), SymShape.Of(2, 3, 4).GetHashCode());
        Assert.NotEqual(s, SymShape.Of(2, 3));
        Assert.Equal(1, SymShape.Scalar.ElementCount);
        Assert.Equal("[]", SymShape.Scalar.ToString());
    }

    [Fact]
    public void SymbolicShapes()
    {
        var s = new SymShape([Dim.Sym("N"), Dim.Known(3)]);
        Assert.False(s.IsStatic);
        Assert.Null(s.ElementCount);
        Assert.Equal("[N,3]", s.ToString());
        var e = Assert.Throws<AxonModelException>(() => s.ToInts());
        Assert.Contains("'N'", e.Message);
        Assert.Equal(s, new SymShape([Dim.Sym("N"), Dim.Known(3)]));
        Assert.NotEqual(s, new SymShape([Dim.Sym("M"), Dim.Known(3)]));
    }

    [Fact]
    public void UnknownRank()
    {
        var u = SymShape.UnknownRank;
        Assert.False(u.HasRank);
        Assert.False(u.IsStatic);
        Assert.Null(u.ElementCount);
        Assert.Equal("[*]", u.ToString());
        Assert.Throws<AxonModelException>(() => u.Rank);
        Assert.Throws<AxonModelException>(() => u.Dims);
        Assert.Equal(u, SymShape.UnknownRank);
        Assert.NotEqual(u, SymShape.Scalar);
    }

    [Fact]
    public void ToIntsRejectsDimsBeyondInt()
    {
        Assert.Throws<AxonModelException>(() => SymShape.Of(1L << 40).ToInts());
    }

    [Fact]
    public void TensorSymShapeMatchesItsShape()
    {
        Assert.Equal(SymShape.Of(2, 5), Tensor.Create(DType.Int8, 2, 5).SymShape);
    }
}
