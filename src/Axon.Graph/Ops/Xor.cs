namespace Axon.Graph.Ops;

/// <summary>Xor: broadcasting, answers bool.</summary>
[Schema("Xor")]
internal sealed class Xor : PredicateSchema
{

}
