namespace Axon.Graph.Ops;

/// <summary>ReduceSum: the shared reduction shape rule (axes become an input at opset 13).</summary>
[Schema("ReduceSum")]
internal sealed class ReduceSum : ReduceSchema
{
    protected override long AxesInputSince => 13;
}
