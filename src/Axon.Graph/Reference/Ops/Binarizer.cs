namespace Axon.Graph.Reference.Ops;

/// <summary>ai.onnx.ml Binarizer: 1 where x &gt; threshold, else 0, in the input's dtype.</summary>
[Op("Binarizer", Domain = "ai.onnx.ml")]
internal sealed class Binarizer : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double threshold = ctx.Float("threshold", 0);
        return [Elementwise.Unary(ctx.Input(0), v => v > threshold ? 1 : 0)];
    }
}
