namespace Axon.Graph.Ops;

/// <summary>LessOrEqual: broadcasting, answers bool.</summary>
[Schema("LessOrEqual")]
internal sealed class LessOrEqual : PredicateSchema
{

}
