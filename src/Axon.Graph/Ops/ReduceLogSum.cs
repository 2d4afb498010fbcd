namespace Axon.Graph.Ops;

/// <summary>ReduceLogSum: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceLogSum")]
internal sealed class ReduceLogSum : ReduceSchema
{

}
