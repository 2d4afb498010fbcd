namespace Axon.Graph.Reference;

/// <summary>Shared plumbing for the ai.onnx.preview.training optimizers: R, T, then groups of per-tensor inputs.</summary>
internal static class Training
{
    /// <summary>
    /// Splits the variadic inputs into <paramref name="groups"/> equal groups (X..., G..., ...) and runs
    /// <paramref name="update"/> on each tensor's elements; the update fills one output array per output group.
    /// </summary>
    public static IValue?[] Run(OpContext ctx, int groups, int outGroups, Action<double, double, double[][], double[][]> update)
    {
        int vars = ctx.InputCount - 2;
        if (vars <= 0 || vars % groups != 0)
        {
            throw ctx.Error($"expects R, T and {groups} inputs per optimized tensor, got {ctx.InputCount} inputs");
        }
        int count = vars / groups;
        double r = ctx.Input(0).ToDoubles()[0];
        double t = ctx.Input(1).ToDoubles()[0];
        var result = new IValue?[count * outGroups];
        for (int i = 0; i < count; i++)
        {
            var x = ctx.Input(2 + i);
            var ins = new double[groups][];
            for (int g = 0; g < groups; g++)
            {
                var ti = ctx.Input(2 + g * count + i);
                if (!ti.Shape.AsSpan().SequenceEqual(x.Shape))
                {
                    throw ctx.Error($"input {2 + g * count + i} is {ti}, expected the shape of {x}");
                }
                ins[g] = ti.ToDoubles();
            }
            var outs = new double[outGroups][];
            for (int g = 0; g < outGroups; g++)
            {
                outs[g] = new double[x.Length];
            }
            update(r, t, ins, outs);
            for (int g = 0; g < outGroups; g++)
            {
                result[g * count + i] = Tensor.FromDoubles(x.DType, outs[g], x.Shape);
            }
        }
        return result;
    }
}
