namespace Axon.Graph.Ops;

/// <summary>Not: elementwise logical negation of a bool tensor.</summary>
[Schema("Not")]
internal sealed class Not : UnarySchema
{

}
