namespace Axon.Graph.Ops;

/// <summary>LSTM: the shared recurrent shape rule with 4 gate(s).</summary>
[Schema("LSTM")]
internal sealed class LSTM : RecurrentSchema
{
    protected override int Gates => 4;
}
