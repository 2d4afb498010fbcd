namespace Axon.Graph.Ops;

/// <summary>GRU: the shared recurrent shape rule with 3 gate(s).</summary>
[Schema("GRU")]
internal sealed class GRU : RecurrentSchema
{
    protected override int Gates => 3;
}
