namespace Axon.Graph.Reference.Ops;

[Op("IsNaN")]
internal sealed class IsNaN : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var d = MathKernels.RequireFloat(ctx, ctx.Input(0)).ToDoubles();
        var r = Tensor.CreateUninitialized(DType.Bool, ctx.Input(0).Shape);
        var o = r.Span<bool>();
        for (int i = 0; i < d.Length; i++)
        {
            o[i] = double.IsNaN(d[i]);
        }
        return [r];
    }
}
