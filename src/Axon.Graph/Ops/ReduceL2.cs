namespace Axon.Graph.Ops;

/// <summary>ReduceL2: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceL2")]
internal sealed class ReduceL2 : ReduceSchema
{
    protected override long FlopsPerElement => 2;
}
