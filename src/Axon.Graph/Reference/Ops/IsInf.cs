namespace Axon.Graph.Reference.Ops;

/// <summary>True for infinities; detect_positive / detect_negative (both default 1) choose which signs count.</summary>
[Op("IsInf")]
internal sealed class IsInf : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        bool pos = ctx.Int("detect_positive", 1) != 0;
        bool neg = ctx.Int("detect_negative", 1) != 0;
        var d = MathKernels.RequireFloat(ctx, ctx.Input(0)).ToDoubles();
        var r = Tensor.CreateUninitialized(DType.Bool, ctx.Input(0).Shape);
        var o = r.Span<bool>();
        for (int i = 0; i < d.Length; i++)
        {
            o[i] = (pos && double.IsPositiveInfinity(d[i])) || (neg && double.IsNegativeInfinity(d[i]));
        }
        return [r];
    }
}
