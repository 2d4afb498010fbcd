namespace Axon.Graph.Ops;

/// <summary>ReduceL1: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceL1")]
internal sealed class ReduceL1 : ReduceSchema
{
    protected override long FlopsPerElement => 2;
}
