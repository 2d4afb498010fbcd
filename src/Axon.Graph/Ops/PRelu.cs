namespace Axon.Graph.Ops;

/// <summary>PRelu: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("PRelu")]
internal sealed class PRelu : BroadcastSchema
{
    protected override long FlopsPerElement => 2;
}
