namespace Axon.Graph.Reference.Ops;

/// <summary>Swish_alpha(A) * B over two same-shaped inputs.</summary>
[Op("SwiGLU")]
internal sealed class SwiGLU : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = MathKernels.RequireFloat(ctx, ctx.Input(0));
        var b = ctx.Input(1);
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape) || a.DType != b.DType)
        {
            throw ctx.Error($"A {a} and B {b} must have the same dtype and shape (SwiGLU does not broadcast)");
        }
        double alpha = ctx.Float("alpha", 1f);
        return [Elementwise.Binary(a, b, (g, v) => g * MathKernels.Sigmoid(alpha * g) * v)];
    }
}
