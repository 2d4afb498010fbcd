namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:AveragePoolGrad(dY, X) with AveragePool's attributes (or global = 1 for GlobalAveragePool): each dY element is
/// spread evenly over the input positions its window averaged.
/// </summary>
[Op("AveragePoolGrad", Domain = "axon")]
internal sealed class AxonAveragePoolGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dy = ctx.Input(0);
        var x = ctx.Input(1);
        var g = dy.ToDoubles();
        var dx = new double[x.Length];
        if (ctx.Int("global", 0) != 0)
        {
            int plane = AxisRows.Prod(x.Shape, 2, x.Rank);
            for (int i = 0; i < dx.Length; i++)
            {
                dx[i] = g[i / plane] / plane;
            }
            return [Tensor.FromDoubles(x.DType, dx, x.Shape)];
        }
        var kernel = (ctx.Ints("kernel_shape") ?? throw ctx.Error("attribute kernel_shape is required")).Select(v => checked((int)v)).ToArray();
        bool includePad = ctx.Int("count_include_pad", 0) != 0;
        var geo = ConvGeometry.Forward(ctx, x.Shape[2..], kernel, poolRules: true, ceilMode: ctx.Int("ceil_mode", 0) != 0);
        int nc = x.Shape[0] * x.Shape[1], inSize = geo.InSize, outSize = geo.OutSize;
        if (g.Length != nc * outSize)
        {
            throw ctx.Error($"dY has {g.Length} elements, the pool's output has {nc * outSize}");
        }
        var offsets = geo.KernelOffsets();
        var kIdx = new int[geo.KernelSize];
        var inOff = new int[geo.KernelSize];
        var o = new int[geo.Rank];
        for (int op = 0; op < outSize; op++, ConvGeometry.Increment(o, geo.OutShape))
        {
            int cnt = geo.Window(o, offsets, kIdx, inOff, out int padded);
            int div = includePad ? padded : cnt;
            for (int p = 0; p < nc && div > 0; p++)
            {
                double share = g[p * outSize + op] / div;
                for (int j = 0; j < cnt; j++)
                {
                    dx[p * inSize + inOff[j]] += share;
                }
            }
        }
        return [Tensor.FromDoubles(x.DType, dx, x.Shape)];
    }
}
