namespace Axon.Graph.Ops;

/// <summary>Greater: broadcasting, answers bool.</summary>
[Schema("Greater")]
internal sealed class Greater : PredicateSchema
{

}
