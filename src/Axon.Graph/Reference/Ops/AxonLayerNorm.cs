namespace Axon.Graph.Reference.Ops;

/// <summary>axon:LayerNorm(X, Scale, B?) {axis, epsilon}: ONNX LayerNormalization (opset 17) for models imported at older opsets.</summary>
[Op("LayerNorm", Domain = "axon")]
internal sealed class AxonLayerNorm : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) =>
        [AxonFusion.RunOnnx(ctx, "LayerNormalization", ctx.Node.Attributes.Values, ctx.Input(0), ctx.Input(1), ctx.OptionalInput(2))];
}
