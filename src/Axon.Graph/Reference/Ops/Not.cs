namespace Axon.Graph.Reference.Ops;

[Op("Not")]
internal sealed class Not : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.DType != DType.Bool)
        {
            throw ctx.Error($"expects a bool input, got {x.DType.OnnxName()}");
        }
        var r = Tensor.CreateUninitialized(DType.Bool, x.Shape);
        var src = x.Span<bool>();
        var dst = r.Span<bool>();
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = !src[i];
        }
        return [r];
    }
}
