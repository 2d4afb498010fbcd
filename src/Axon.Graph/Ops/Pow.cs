namespace Axon.Graph.Ops;

/// <summary>Pow: broadcasting; the result has the base's type whatever the exponent's.</summary>
[Schema("Pow")]
internal sealed class Pow : BroadcastSchema
{

}
