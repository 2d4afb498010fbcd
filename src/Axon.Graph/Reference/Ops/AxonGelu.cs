namespace Axon.Graph.Reference.Ops;

/// <summary>axon:Gelu(X) {approximate = "none" | "tanh"}: ONNX Gelu (opset 20) for models imported at older opsets.</summary>
[Op("Gelu", Domain = "axon")]
internal sealed class AxonGelu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [AxonFusion.RunOnnx(ctx, "Gelu", ctx.Node.Attributes.Values, ctx.Input(0))];
}
