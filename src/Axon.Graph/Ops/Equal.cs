namespace Axon.Graph.Ops;

/// <summary>Equal: broadcasting, answers bool.</summary>
[Schema("Equal")]
internal sealed class Equal : PredicateSchema
{

}
