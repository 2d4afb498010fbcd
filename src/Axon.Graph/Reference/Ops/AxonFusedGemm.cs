namespace Axon.Graph.Reference.Ops;

/// <summary>axon:FusedGemm(A, B, C?, Z?): Gemm with its standard attributes, then + Z (residual), then the activation.</summary>
[Op("FusedGemm", Domain = "axon")]
internal sealed class AxonFusedGemm : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var y = AxonFusion.RunOnnx(ctx, "Gemm", AxonFusion.BaseAttributes(ctx), ctx.Input(0), ctx.Input(1), ctx.OptionalInput(2));
        return [AxonFusion.Epilogue(ctx, y, ctx.OptionalInput(3))];
    }
}
