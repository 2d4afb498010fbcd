namespace Axon.Graph.Ops;

/// <summary>Or: broadcasting, answers bool.</summary>
[Schema("Or")]
internal sealed class Or : PredicateSchema
{

}
