namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Pad: pads (negative values crop) are an attribute before opset 11 ("paddings" in opset 1) and an input after, with
/// an optional axes input from 18. Modes: constant, reflect, edge, and wrap (19+). Output element o along an axis reads
/// source position o - begin, mapped into range by the mode, so crops and pads combine as "pad, then crop".
/// </summary>
[Op("Pad")]
internal sealed class Pad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        int rank = x.Rank;
        string mode = ctx.String("mode", "constant");
        long[] pads;
        Tensor? fill = null;
        int[] axes = Enumerable.Range(0, rank).ToArray();
        if (ctx.Opset < 11)
        {
            pads = ctx.Ints(ctx.Opset < 2 ? "paddings" : "pads") ?? throw ctx.Error("missing the pads attribute");
            if (x.DType != DType.String)
            {
                fill = Tensor.FromDoubles(x.DType, [ctx.Float("value", 0f)], 1);
            }
        }
        else
        {
            pads = NdIndex.Ints(ctx, ctx.Input(1), "pads");
            if (ctx.OptionalInput(2) is { } cv)
            {
                if (cv.Length != 1)
                {
                    throw ctx.Error($"constant_value must hold one element, got {NdIndex.Str(cv.Shape)}");
                }
                fill = cv.DType == x.DType ? cv.Reshape(1) : Tensor.FromDoubles(x.DType, cv.ToDoubles(), 1);
            }
            if (ctx.OptionalInput(3) is { } ax)
            {
                axes = NdIndex.Axes(ctx, NdIndex.Ints(ctx, ax, "axes"), rank);
            }
        }
        if (pads.Length != 2 * axes.Length)
        {
            throw ctx.Error($"pads [{string.Join(",", pads)}] should hold {2 * axes.Length} values for input {NdIndex.Str(x.Shape)}");
        }
        var begin = new int[rank];
        var shape = (int[])x.Shape.Clone();
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i];
            begin[a] = NdIndex.ToInt(ctx, pads[i], "pad");
            long d = x.Shape[a] + pads[i] + pads[i + axes.Length];
            if (d < 0)
            {
                throw ctx.Error($"pads [{string.Join(",", pads)}] crop axis {a} of {NdIndex.Str(x.Shape)} below zero");
            }
            shape[a] = NdIndex.ToInt(ctx, d, "dim");
        }
        Func<int, int, int> resolve = mode switch
        {
            "constant" => (s, n) => s >= 0 && s < n ? s : -1,
            "edge" => (s, n) => Math.Clamp(s, 0, n - 1),
            "wrap" => (s, n) => Mod(s, n),
            "reflect" => Reflect,
            _ => throw ctx.Error($"unknown pad mode '{mode}'"),
        };
        if (mode != "constant")
        {
            for (int a = 0; a < rank; a++)
            {
                if (x.Shape[a] == 0 && shape[a] > 0)
                {
                    throw ctx.Error($"{mode} padding needs a non-empty axis {a} in {NdIndex.Str(x.Shape)}");
                }
            }
        }
        var strides = Tensor.StridesOf(x.Shape);
        var inShape = x.Shape;
        var map = NdIndex.Map(shape, idx =>
        {
            int f = 0;
            for (int d = 0; d < idx.Length; d++)
            {
                int s = idx[d] - begin[d];
                if (s < 0 || s >= inShape[d])
                {
                    s = resolve(s, inShape[d]);
                    if (s < 0)
                    {
                        return ~0;
                    }
                }
                f += s * strides[d];
            }
            return f;
        });
        return [NdIndex.Take(x, fill, map, shape)];
    }

    private static int Mod(int s, int n) => ((s % n) + n) % n;

    // Mirror without repeating the edge element: period 2(n-1); a single element reflects onto itself.
    private static int Reflect(int s, int n)
    {
        if (n == 1)
        {
            return 0;
        }
        int p = 2 * (n - 1);
        s = Mod(s, p);
        return s < n ? s : p - s;
    }
}
