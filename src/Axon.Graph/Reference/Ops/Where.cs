namespace Axon.Graph.Reference.Ops;

/// <summary>Picks X where the condition is true and Y elsewhere, broadcasting all three; any dtype, strings included.</summary>
[Op("Where")]
internal sealed class Where : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var c = ctx.Input(0);
        var x = ctx.Input(1);
        var y = ctx.Input(2);
        if (c.DType != DType.Bool)
        {
            throw ctx.Error($"condition must be bool, got {c.DType.OnnxName()}");
        }
        if (x.DType != y.DType)
        {
            throw ctx.Error($"X and Y have different dtypes ({x.DType.OnnxName()} and {y.DType.OnnxName()})");
        }
        var shape = Broadcast.Shape(c.Shape, x.Shape, y.Shape);
        var mc = Broadcast.IndexMap(c.Shape, shape);
        var mx = Broadcast.IndexMap(x.Shape, shape);
        var my = Broadcast.IndexMap(y.Shape, shape);
        var cond = c.Span<bool>();
        if (x.DType == DType.String)
        {
            var sx = x.Strings;
            var sy = y.Strings;
            var res = new string[mc.Length];
            for (int i = 0; i < res.Length; i++)
            {
                res[i] = cond[mc[i]] ? sx[mx[i]] : sy[my[i]];
            }
            return [Tensor.FromStrings(res, shape)];
        }
        int size = x.DType.SizeOf();
        var r = Tensor.CreateUninitialized(x.DType, shape);
        var bx = x.Bytes;
        var by = y.Bytes;
        var d = r.Bytes;
        for (int i = 0; i < mc.Length; i++)
        {
            var src = cond[mc[i]] ? bx.Slice(mx[i] * size, size) : by.Slice(my[i] * size, size);
            src.CopyTo(d.Slice(i * size, size));
        }
        return [r];
    }
}
