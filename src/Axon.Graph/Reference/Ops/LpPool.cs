namespace Axon.Graph.Reference.Ops;

/// <summary>Lp pooling: (sum |x|^p)^(1/p) over each window; padding contributes zeros.</summary>
[Op("LpPool")]
internal sealed class LpPool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        // LpPool-1 declared p as a float; later versions as an int.
        var pa = ctx.Node.GetAttr("p");
        double p = pa is null ? 2 : pa.Kind == AttrKind.Float ? pa.F : pa.I;
        var r = Pooling.Run(ctx, xt, (double[] x, int xBase, int[] inOff, int count, int padded, out int arg) =>
        {
            arg = -1;
            double s = 0;
            for (int j = 0; j < count; j++)
            {
                s += Math.Pow(Math.Abs(x[xBase + inOff[j]]), p);
            }
            return Math.Pow(s, 1 / p);
        });
        return [Tensor.FromDoubles(xt.DType, r.Y, r.Shape)];
    }
}
