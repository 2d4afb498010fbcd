namespace Axon.Graph.Reference.Ops;

/// <summary>Elementwise equality for numbers, bools and (from opset 19) strings; NaN is never equal to anything.</summary>
[Op("Equal")]
internal sealed class Equal : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = MathKernels.LegacyB(ctx, a, ctx.Input(1));
        if (a.DType != b.DType)
        {
            throw ctx.Error($"inputs have different dtypes ({a.DType.OnnxName()} and {b.DType.OnnxName()})");
        }
        if (a.DType == DType.String)
        {
            var shape = Broadcast.Shape(a.Shape, b.Shape);
            var ma = Broadcast.IndexMap(a.Shape, shape);
            var mb = Broadcast.IndexMap(b.Shape, shape);
            var r = Tensor.CreateUninitialized(DType.Bool, shape);
            var o = r.Span<bool>();
            var sa = a.Strings;
            var sb = b.Strings;
            for (int i = 0; i < o.Length; i++)
            {
                o[i] = string.Equals(sa[ma[i]], sb[mb[i]], StringComparison.Ordinal);
            }
            return [r];
        }
        return [Elementwise.Compare(a, b, (x, y) => x == y, (x, y) => x == y)];
    }
}
