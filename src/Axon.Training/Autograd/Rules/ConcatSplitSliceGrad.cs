using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// Concat: each input's gradient is its Slice of dY along the axis. Split: dX = Concat of the outputs' gradients
/// (zeros for unused outputs). Slice (steps of 1, constant starts/ends/axes, static input shape): dX = Pad(dY) with zeros.
/// </summary>
[GradFor("Concat")]
[GradFor("Split")]
[GradFor("Slice")]
internal sealed class ConcatSplitSliceGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        switch (ctx.Node.OpType)
        {
            case "Concat":
                Concat(ctx);
                break;
            case "Split":
                Split(ctx);
                break;
            default:
                Slice(ctx);
                break;
        }
    }

    private static void Concat(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy)
        {
            return;
        }
        int rank = ctx.RankOrFail(ctx.Output(0));
        long axis = ctx.Node.GetInt("axis", 0);
        axis = axis < 0 ? axis + rank : axis;
        long offset = 0;
        for (int i = 0; i < ctx.Node.Inputs.Count; i++)
        {
            var shape = ctx.Type(ctx.Input(i)).Shape;
            if (!shape.HasRank || !shape[(int)axis].IsKnown)
            {
                throw ctx.Fail($"the size of input {i} along the concat axis must be static");
            }
            long len = shape[(int)axis].Value;
            if (ctx.Needs(i))
            {
                ctx.AddGrad(i, ctx.Emit("Slice", [dy, ctx.Int64s(offset), ctx.Int64s(offset + len), ctx.Int64s(axis)], "concat_dx"));
            }
            offset += len;
        }
    }

    private static void Split(GradContext ctx)
    {
        if (!ctx.Needs(0))
        {
            return;
        }
        var parts = new List<string>();
        bool any = false;
        for (int o = 0; o < ctx.Node.Outputs.Count; o++)
        {
            if (ctx.OutGrad(o) is { } g)
            {
                parts.Add(g);
                any = true;
            }
            else
            {
                string y = ctx.Output(o);
                parts.Add(ctx.Emit("Sub", [y, y], "split_zero"));
            }
        }
        if (any)
        {
            ctx.AddGrad(0, ctx.Emit("Concat", parts.ToArray(), "split_dx", Attr.Of("axis", ctx.Node.GetInt("axis", 0))));
        }
    }

    private static void Slice(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        var shape = ctx.StaticShape(ctx.Input(0)) ?? throw ctx.Fail("Slice's input shape must be static for its gradient");
        int rank = shape.Length;
        var starts = ctx.ConstInts(1) ?? throw ctx.Fail("starts must be constant");
        var ends = ctx.ConstInts(2) ?? throw ctx.Fail("ends must be constant");
        var axes = ctx.ConstInts(3) ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        var steps = ctx.ConstInts(4);
        if (steps is not null && steps.Any(s => s != 1))
        {
            throw ctx.Fail("only steps of 1 are differentiable");
        }
        var pads = new long[2 * rank];
        for (int k = 0; k < axes.Length; k++)
        {
            int a = (int)(axes[k] < 0 ? axes[k] + rank : axes[k]);
            long dim = shape[a];
            long s = Math.Clamp(starts[k] < 0 ? starts[k] + dim : starts[k], 0, dim);
            long e = Math.Clamp(ends[k] < 0 ? ends[k] + dim : ends[k], 0, dim);
            pads[a] = s;
            pads[a + rank] = dim - Math.Max(s, e);
        }
        ctx.AddGrad(0, ctx.Emit("Pad", [dy, ctx.Int64s(pads)], "slice_dx"));
    }
}
