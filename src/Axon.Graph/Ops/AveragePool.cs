namespace Axon.Graph.Ops;

/// <summary>AveragePool: the window rule; count_include_pad only changes values.</summary>
[Schema("AveragePool")]
internal sealed class AveragePool : PoolSchema
{
}
