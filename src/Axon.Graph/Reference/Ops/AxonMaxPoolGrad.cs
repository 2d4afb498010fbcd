namespace Axon.Graph.Reference.Ops;

/// <summary>axon:MaxPoolGrad(dY, X) with MaxPool's attributes: each dY element goes to its window's (first) maximum in X.</summary>
[Op("MaxPoolGrad", Domain = "axon")]
internal sealed class AxonMaxPoolGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dy = ctx.Input(0);
        var x = ctx.Input(1);
        var r = Pooling.Run(ctx, x, static (double[] xv, int xBase, int[] inOff, int count, int padded, out int arg) =>
        {
            double best = double.NegativeInfinity;
            arg = -1;
            for (int j = 0; j < count; j++)
            {
                double v = xv[xBase + inOff[j]];
                if (v > best || arg < 0 && !double.IsNaN(v))
                {
                    best = v;
                    arg = inOff[j];
                }
            }
            return best;
        });
        if (!dy.Shape.AsSpan().SequenceEqual(r.Shape))
        {
            throw ctx.Error($"dY is [{string.Join(",", dy.Shape)}], the pool's output is [{string.Join(",", r.Shape)}]");
        }
        var g = dy.ToDoubles();
        var dx = new double[x.Length];
        int inSize = r.Geometry.InSize, outSize = r.Geometry.OutSize;
        for (int i = 0; i < g.Length; i++)
        {
            if (r.Arg[i] >= 0)
            {
                dx[i / outSize * inSize + r.Arg[i]] += g[i];
            }
        }
        return [Tensor.FromDoubles(x.DType, dx, x.Shape)];
    }
}
