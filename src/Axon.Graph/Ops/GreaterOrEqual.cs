namespace Axon.Graph.Ops;

/// <summary>GreaterOrEqual: broadcasting, answers bool.</summary>
[Schema("GreaterOrEqual")]
internal sealed class GreaterOrEqual : PredicateSchema
{

}
