namespace Axon.Graph.Reference;

/// <summary>
/// Reduces one pooling window. <paramref name="inOff"/>[0..<paramref name="count"/>) are the in-bounds input offsets
/// (relative to <paramref name="xBase"/>); <paramref name="padded"/> counts the window positions inside the padded input.
/// <paramref name="arg"/> returns the chosen offset for arg-style pools (MaxPool's Indices), else -1.
/// </summary>
public delegate double WindowReducer(double[] x, int xBase, int[] inOff, int count, int padded, out int arg);

/// <summary>The sliding-window loop shared by MaxPool, AveragePool and LpPool.</summary>
public static class Pooling
{
    public sealed record Result(double[] Y, int[] Shape, int[] Arg, ConvGeometry Geometry);

    /// <summary>Pools X (N x C x D1..Dn) with the node's kernel_shape/strides/pads/dilations/auto_pad/ceil_mode.</summary>
    public static Result Run(OpContext ctx, Tensor xt, WindowReducer reduce)
    {
        var xShape = xt.Shape;
        if (xShape.Length < 3)
        {
            throw ctx.Error($"pooling needs an input of rank >= 3, got [{string.Join(",", xShape)}]");
        }
        var ks = ctx.Ints("kernel_shape") ?? throw ctx.Error("attribute kernel_shape is required");
        var kernel = ks.Select(v => checked((int)v)).ToArray();
        if (kernel.Any(k => k <= 0))
        {
            throw ctx.Error($"kernel_shape must be positive, got [{string.Join(",", kernel)}]");
        }
        bool ceil = ctx.Int("ceil_mode", 0) != 0;
        var g = ConvGeometry.Forward(ctx, xShape[2..], kernel, poolRules: true, ceilMode: ceil);
        var x = xt.ToDoubles();
        int n = xShape[0], c = xShape[1];
        int inSize = g.InSize, outSize = g.OutSize, kSize = g.KernelSize;
        var y = new double[n * c * outSize];
        var arg = new int[y.Length];
        var offsets = g.KernelOffsets();
        var kIdx = new int[kSize];
        var inOff = new int[kSize];
        var o = new int[g.Rank];
        for (int op = 0; op < outSize; op++, ConvGeometry.Increment(o, g.OutShape))
        {
            int cnt = g.Window(o, offsets, kIdx, inOff, out int padded);
            for (int nc = 0; nc < n * c; nc++)
            {
                int yi = nc * outSize + op;
                y[yi] = reduce(x, nc * inSize, inOff, cnt, padded, out arg[yi]);
            }
        }
        return new Result(y, [n, c, .. g.OutShape], arg, g);
    }
}
