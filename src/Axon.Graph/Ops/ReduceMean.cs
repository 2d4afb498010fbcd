namespace Axon.Graph.Ops;

/// <summary>ReduceMean: the shared reduction shape rule (axes become an input at opset 18).</summary>
[Schema("ReduceMean")]
internal sealed class ReduceMean : ReduceSchema
{

}
