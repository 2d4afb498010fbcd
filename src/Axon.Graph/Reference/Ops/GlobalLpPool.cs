namespace Axon.Graph.Reference.Ops;

/// <summary>(sum |x|^p)^(1/p) over all spatial dims of N x C x D1..Dn; the spatial dims stay as 1.</summary>
[Op("GlobalLpPool")]
internal sealed class GlobalLpPool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var s = xt.Shape;
        if (s.Length < 2)
        {
            throw ctx.Error($"GlobalLpPool needs an input of rank >= 2, got [{string.Join(",", s)}]");
        }
        // GlobalLpPool-1 declared p as a float; version 2 as an int.
        var pa = ctx.Node.GetAttr("p");
        double p = pa is null ? 2 : pa.Kind == AttrKind.Float ? pa.F : pa.I;
        int nc = s[0] * s[1];
        int inner = Tensor.CheckedLength(s.AsSpan(2));
        var x = xt.ToDoubles();
        var y = new double[nc];
        for (int i = 0; i < nc; i++)
        {
            double acc = 0;
            for (int j = 0; j < inner; j++)
            {
                acc += Math.Pow(Math.Abs(x[i * inner + j]), p);
            }
            y[i] = Math.Pow(acc, 1 / p);
        }
        var shape = (int[])s.Clone();
        for (int d = 2; d < shape.Length; d++)
        {
            shape[d] = 1;
        }
        return [Tensor.FromDoubles(xt.DType, y, shape)];
    }
}
