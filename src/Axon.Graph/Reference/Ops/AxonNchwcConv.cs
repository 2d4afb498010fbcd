namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:NchwcConv(X, W, B?, Z?): axon:FusedConv on the unblocked view. X is blocked (or plain 4-D NCHW), Z and the
/// output are blocked; C and K come from the weights.
/// </summary>
[Op("NchwcConv", Domain = "axon")]
internal sealed class AxonNchwcConv : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var w = ctx.Input(1);
        if (w.Rank != 4)
        {
            throw ctx.Error($"weights must be 4-D [K, C, KH, KW], got {w.SymShape}");
        }
        var x = ctx.Input(0);
        var plain = x.Rank == 4 ? x : NchwcLayout.FromBlocked(ctx, x, w.Shape[1]);
        var y = AxonFusion.RunOnnx(ctx, "Conv", AxonFusion.BaseAttributes(ctx), plain, w, ctx.OptionalInput(2));
        var z = ctx.OptionalInput(3) is { } r ? NchwcLayout.FromBlocked(ctx, r, w.Shape[0]) : null;
        return [NchwcLayout.ToBlocked(ctx, AxonFusion.Epilogue(ctx, y, z))];
    }
}
