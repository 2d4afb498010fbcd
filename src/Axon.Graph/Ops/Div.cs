namespace Axon.Graph.Ops;

/// <summary>Div: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("Div")]
internal sealed class Div : BroadcastSchema
{
    protected override Dim? Combine(Dim a, Dim b) =>
        a.IsKnown && b.IsKnown && b.Value != 0 ? Dim.Known(a.Value / b.Value)
        : Axon.Graph.Analysis.SymExpr.Of(a).DivideExact(Axon.Graph.Analysis.SymExpr.Of(b)).ToDim();

    protected override long? Arith(long a, long b) => b == 0 ? null : a / b;
}
