namespace Axon.Graph.Ops;

/// <summary>ReduceSumSquare: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceSumSquare")]
internal sealed class ReduceSumSquare : ReduceSchema
{
    protected override long FlopsPerElement => 2;
}
