namespace Axon.Graph.Reference.Ops;

/// <summary>axon:Silu(X) = X * Sigmoid(X) (ONNX has no SiLU before Swish in opset 24).</summary>
[Op("Silu", Domain = "axon")]
internal sealed class AxonSilu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [AxonFusion.Silu(MathKernels.RequireFloat(ctx, ctx.Input(0)))];
}
