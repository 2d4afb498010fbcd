namespace Axon.Graph.Ops;

/// <summary>Less: broadcasting, answers bool.</summary>
[Schema("Less")]
internal sealed class Less : PredicateSchema
{

}
