namespace Axon.Graph.Ops;

/// <summary>MaxPool: the window rule (with ceil_mode and dilations); optional output 1 holds int64 indices.</summary>
[Schema("MaxPool")]
internal sealed class MaxPool : PoolSchema
{
    protected override bool HasIndices => true;
}
