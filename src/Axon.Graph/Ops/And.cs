namespace Axon.Graph.Ops;

/// <summary>And: broadcasting, answers bool.</summary>
[Schema("And")]
internal sealed class And : PredicateSchema
{

}
