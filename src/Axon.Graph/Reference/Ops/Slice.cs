namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Slice: starts/ends/axes are attributes before opset 10 and inputs (with optional steps) from 10. Negative starts and
/// ends count from the back; out-of-range values clamp (to [0, dim] for positive steps, [-1, dim-1] for negative steps,
/// so a negative step can run down to and including element 0).
/// </summary>
[Op("Slice")]
internal sealed class Slice : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long[] starts, ends;
        long[]? axes, steps = null;
        if (ctx.Opset < 10)
        {
            starts = ctx.Ints("starts") ?? throw ctx.Error("missing the starts attribute");
            ends = ctx.Ints("ends") ?? throw ctx.Error("missing the ends attribute");
            axes = ctx.Ints("axes");
        }
        else
        {
            starts = NdIndex.Ints(ctx, ctx.Input(1), "starts");
            ends = NdIndex.Ints(ctx, ctx.Input(2), "ends");
            axes = ctx.HasInput(3) ? NdIndex.Ints(ctx, ctx.Input(3), "axes") : null;
            steps = ctx.HasInput(4) ? NdIndex.Ints(ctx, ctx.Input(4), "steps") : null;
        }
        int n = starts.Length;
        axes ??= Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, n).ToArray();
        if (ends.Length != n || axes.Length != n || steps.Length != n)
        {
            throw ctx.Error($"starts, ends, axes and steps differ in length ({n}, {ends.Length}, {axes.Length}, {steps.Length})");
        }
        int rank = x.Rank;
        var outStart = new int[rank];
        var outStep = Enumerable.Repeat(1, rank).ToArray();
        var shape = (int[])x.Shape.Clone();
        var ax = NdIndex.Axes(ctx, axes, rank);
        for (int i = 0; i < n; i++)
        {
            int a = ax[i];
            long dim = x.Shape[a];
            if (steps[i] == 0)
            {
                throw ctx.Error($"step for axis {a} is 0");
            }
            // Any step longer than the axis takes at most one element, so clamping keeps the count exact and avoids
            // overflow when negating long.MinValue.
            long step = Math.Clamp(steps[i], -int.MaxValue, int.MaxValue);
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            long count;
            if (dim == 0)
            {
                s = 0;
                count = 0;
            }
            else if (step > 0)
            {
                s = Math.Clamp(s, 0, dim);
                e = Math.Clamp(e, 0, dim);
                count = e > s ? (e - s + step - 1) / step : 0;
            }
            else
            {
                s = Math.Clamp(s, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                count = s > e ? (s - e + (-step) - 1) / -step : 0;
            }
            outStart[a] = (int)s;
            outStep[a] = (int)step;
            shape[a] = (int)count;
        }
        var strides = Tensor.StridesOf(x.Shape);
        var map = NdIndex.Map(shape, idx =>
        {
            int f = 0;
            for (int d = 0; d < idx.Length; d++)
            {
                f += (outStart[d] + idx[d] * outStep[d]) * strides[d];
            }
            return f;
        });
        return [NdIndex.Take(x, null, map, shape)];
    }
}
