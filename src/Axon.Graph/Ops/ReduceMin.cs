namespace Axon.Graph.Ops;

/// <summary>ReduceMin: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceMin")]
internal sealed class ReduceMin : ReduceSchema
{

}
