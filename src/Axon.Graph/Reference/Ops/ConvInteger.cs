namespace Axon.Graph.Reference.Ops;

/// <summary>Integer convolution of (x - x_zero_point) with (w - w_zero_point), int32 output; w's zero point may be per output channel.</summary>
[Op("ConvInteger")]
internal sealed class ConvInteger : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var wt = ctx.Input(1);
        var x = Centered(ctx, xt, ctx.OptionalInput(2));
        var w = Centered(ctx, wt, ctx.OptionalInput(3));
        var (y, shape) = Conv.Compute(ctx, xt.Shape, x, wt.Shape, w, null);
        return [Tensor.FromDoubles(DType.Int32, y, shape)];
    }

    /// <summary>Values minus the zero point: a scalar, or one per slice of dim 0 (output channels of w).</summary>
    internal static double[] Centered(OpContext ctx, Tensor t, Tensor? zp)
    {
        var v = t.ToDoubles();
        if (zp is null)
        {
            return v;
        }
        var z = zp.ToDoubles();
        if (z.Length == 1)
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= z[0];
            }
            return v;
        }
        if (t.Rank == 0 || z.Length != t.Shape[0])
        {
            throw ctx.Error($"zero point of {z.Length} values fits neither per-tensor nor per-channel use on [{string.Join(",", t.Shape)}]");
        }
        int inner = t.Length / t.Shape[0];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] -= z[i / inner];
        }
        return v;
    }
}
