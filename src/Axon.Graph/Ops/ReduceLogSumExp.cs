namespace Axon.Graph.Ops;

/// <summary>ReduceLogSumExp: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceLogSumExp")]
internal sealed class ReduceLogSumExp : ReduceSchema
{
    protected override long FlopsPerElement => 2;
}
