namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:NchwcMaxPool / NchwcAveragePool(X){channels, pooling attributes}: the standard pooling op on the unblocked
/// view, blocked again; axon:NchwcGlobalAveragePool(X){channels} gives the plain [N, C, 1, 1] result.
/// </summary>
[Op("NchwcMaxPool", Domain = "axon")]
[Op("NchwcAveragePool", Domain = "axon")]
[Op("NchwcGlobalAveragePool", Domain = "axon")]
internal sealed class AxonNchwcPool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var plain = NchwcLayout.FromBlocked(ctx, ctx.Input(0), ctx.Int("channels", -1));
        string op = ctx.Node.OpType["Nchwc".Length..];
        var attrs = ctx.Node.Attributes.Values.Where(a => a.Name != "channels");
        var y = AxonFusion.RunOnnx(ctx, op, attrs, plain);
        return [op == "GlobalAveragePool" ? y : NchwcLayout.ToBlocked(ctx, y)];
    }
}
