namespace Axon.Graph.Ops;

/// <summary>ReduceProd: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceProd")]
internal sealed class ReduceProd : ReduceSchema
{

}
