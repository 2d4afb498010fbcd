namespace Axon.Graph.Reference.Ops;

[Op("Or")]
internal sealed class Or : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = MathKernels.LegacyB(ctx, a, ctx.Input(1));
        if (a.DType != DType.Bool || b.DType != DType.Bool)
        {
            throw ctx.Error($"expects bool inputs, got {a.DType.OnnxName()} and {b.DType.OnnxName()}");
        }
        return [Elementwise.Compare(a, b, (x, y) => (x != 0) || (y != 0), (x, y) => (x != 0) || (y != 0))];
    }
}
