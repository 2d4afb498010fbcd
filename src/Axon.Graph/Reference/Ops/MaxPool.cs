namespace Axon.Graph.Reference.Ops;

/// <summary>N-d max pooling with ceil_mode, dilations, auto_pad and the optional Indices output (storage_order aware).</summary>
[Op("MaxPool")]
internal sealed class MaxPool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var r = Pooling.Run(ctx, xt, static (double[] x, int xBase, int[] inOff, int count, int padded, out int arg) =>
        {
            double best = double.NegativeInfinity;
            arg = -1;
            for (int j = 0; j < count; j++)
            {
                double v = x[xBase + inOff[j]];
                if (v > best || arg < 0 && !double.IsNaN(v))
                {
                    best = v;
                    arg = inOff[j];
                }
            }
            return arg < 0 ? double.NaN : best;
        });
        var y = Tensor.FromDoubles(xt.DType, r.Y, r.Shape);
        if (!ctx.WantsOutput(1))
        {
            return [y];
        }
        bool colMajor = ctx.Int("storage_order", 0) == 1;
        var g = r.Geometry;
        int inSize = g.InSize, outSize = g.OutSize;
        var idx = new long[r.Y.Length];
        var rowStrides = g.InStrides;
        var colStrides = new int[g.Rank];
        for (int d = 0, acc = 1; d < g.Rank; d++)
        {
            colStrides[d] = acc;
            acc *= g.InShape[d];
        }
        for (int i = 0; i < idx.Length; i++)
        {
            int off = Math.Max(r.Arg[i], 0);
            if (colMajor)
            {
                int rem = off, col = 0;
                for (int d = 0; d < g.Rank; d++)
                {
                    col += rem / rowStrides[d] * colStrides[d];
                    rem %= rowStrides[d];
                }
                off = col;
            }
            idx[i] = (long)(i / outSize) * inSize + off;
        }
        return [y, Tensor.FromInt64s(DType.Int64, idx, r.Shape)];
    }
}
