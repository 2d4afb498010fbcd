namespace Axon.Graph.Ops;

/// <summary>ReduceMax: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceMax")]
internal sealed class ReduceMax : ReduceSchema
{

}
