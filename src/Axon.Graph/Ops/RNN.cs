namespace Axon.Graph.Ops;

/// <summary>RNN: the shared recurrent shape rule with 1 gate(s).</summary>
[Schema("RNN")]
internal sealed class RNN : RecurrentSchema
{
    protected override int Gates => 1;
}
