namespace Axon.Graph.Ops;

/// <summary>Sub: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("Sub")]
internal sealed class Sub : BroadcastSchema
{
    protected override Dim? Combine(Dim a, Dim b) =>
        (Axon.Graph.Analysis.SymExpr.Of(a) + (-1) * Axon.Graph.Analysis.SymExpr.Of(b)).ToDim();

    protected override long? Arith(long a, long b) => a - b;
}
