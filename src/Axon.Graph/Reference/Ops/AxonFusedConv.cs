namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:FusedConv(X, W, B?, Z?): Conv with the standard Conv attributes, then + Z (residual, broadcast), then the activation
/// named by <c>activation</c> (Relu, LeakyRelu, Sigmoid, Tanh, Gelu, GeluTanh, Silu, Clip; alpha/beta are its parameters).
/// </summary>
[Op("FusedConv", Domain = "axon")]
internal sealed class AxonFusedConv : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var y = AxonFusion.RunOnnx(ctx, "Conv", AxonFusion.BaseAttributes(ctx), ctx.Input(0), ctx.Input(1), ctx.OptionalInput(2));
        return [AxonFusion.Epilogue(ctx, y, ctx.OptionalInput(3))];
    }
}
