using Axon.Graph.Analysis;

namespace Axon.Graph.Tests.Schemas;

public sealed class SymExprTests
{
    [Fact]
    public void ProductsAndSumsPrintCanonically()
    {
        var e = 2 * SymExpr.Sym("batch") * SymExpr.Sym("seq") * 384 * 384 + SymExpr.Const(384);
        Assert.Equal("294912*batch*seq + 384", e.ToString());
        Assert.Equal(294912.0 * 4 * 128 + 384, e.Evaluate(new Dictionary<string, long> { ["batch"] = 4, ["seq"] = 128 }));
        Assert.Null(e.Evaluate(new Dictionary<string, long> { ["batch"] = 4 }));
    }

    [Fact]
    public void UnknownAbsorbs()
    {
        var e = SymExpr.Of(Dim.Unknown) * 3 + SymExpr.Const(1);
        Assert.True(e.IsUnknown);
        Assert.Equal("?", e.ToString());
    }

    [Fact]
    public void ProductDimsReadBack()
    {
        var d = (SymExpr.Sym("batch") * 12).ToDim();
        Assert.Equal("12*batch", d.Symbol);
        Assert.Equal(SymExpr.Sym("batch") * 12, SymExpr.Of(d));
        Assert.Equal(Dim.Sym("batch"), (SymExpr.Sym("batch") * SymExpr.Sym("seq") * 768).DivideExact(SymExpr.Sym("seq") * 768).ToDim());
        Assert.True(SymExpr.Const(7).DivideExact(SymExpr.Const(2)).IsUnknown);
    }

    [Fact]
    public void TermsCancel()
    {
        var b = SymExpr.Sym("b");
        Assert.Equal(SymExpr.Zero, b * 2 + b * -2);
        Assert.True((b + 1 + (-1)).Equals(b));
    }
}
