namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:FusedMatMul(A, B, bias?, Z?): MatMul, then + bias (broadcast over the last axis), then + Z (residual), then the
/// activation - each step rounded like the separate ops it replaces.
/// </summary>
[Op("FusedMatMul", Domain = "axon")]
internal sealed class AxonFusedMatMul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var y = AxonFusion.RunOnnx(ctx, "MatMul", [], ctx.Input(0), ctx.Input(1));
        if (ctx.OptionalInput(2) is { } bias)
        {
            y = AxonFusion.RunOnnx(ctx, "Add", [], y, bias);
        }
        return [AxonFusion.Epilogue(ctx, y, ctx.OptionalInput(3))];
    }
}
