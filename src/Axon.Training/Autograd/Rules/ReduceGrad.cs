using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// ReduceSum / ReduceMean: dX = Expand(dY with the reduced axes kept as 1, Shape(X)), divided by the number of reduced
/// elements for the mean. Axes come from the attribute (older opsets) or a constant input.
/// </summary>
[GradFor("ReduceSum")]
[GradFor("ReduceMean")]
internal sealed class ReduceGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        string x = ctx.Input(0), y = ctx.Output(0);
        long[]? axes = ctx.Node.GetInts("axes") ?? ctx.ConstInts(1);
        if (ctx.Rank(x) is null && (axes is null || axes.Length == 0) && ctx.Node.GetInt("noop_with_empty_axes", 0) == 0)
        {
            // Reduce-all: dY broadcasts from a scalar (or all-ones shape) whatever X's rank.
            var all = ctx.Emit("Expand", [dy, ctx.Emit("Shape", [x], "shape_of")], "reduce_dx");
            ctx.AddGrad(0, ctx.Node.OpType == "ReduceSum" ? all : ctx.Emit("Div", [all, ctx.Emit("Cast", [ctx.Emit("Size", [x], "size_x")], "size_xf", Attr.Of("to", (long)ctx.ElemType(x)))], "mean_dx"));
            return;
        }
        int rank = ctx.RankOrFail(x);
        if (ctx.HasInput(1) && axes is null)
        {
            throw ctx.Fail("the axes input must be a constant");
        }
        if (axes is null || axes.Length == 0)
        {
            if (ctx.Node.GetInt("noop_with_empty_axes", 0) != 0)
            {
                ctx.AddGrad(0, dy);
                return;
            }
            axes = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        }
        axes = axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        string g = dy;
        if (ctx.Node.GetInt("keepdims", 1) == 0)
        {
            g = ctx.Emit("Unsqueeze", [dy, ctx.Int64s(axes)], "reduce_unsq");
        }
        string shape = ctx.StaticShape(x) is { } s ? ctx.Int64s(s.Select(v => (long)v).ToArray()) : ctx.Emit("Shape", [x], "shape_of");
        g = ctx.Emit("Expand", [g, shape], "reduce_dx");
        if (ctx.Node.OpType == "ReduceMean")
        {
            var dt = ctx.ElemType(x);
            string scale;
            if (ctx.StaticShape(x) is { } xs)
            {
                scale = ctx.Scalar(1.0 / axes.Aggregate(1L, (p, a) => p * xs[a]), dt);
            }
            else
            {
                var ny = ctx.Emit("Cast", [ctx.Emit("Size", [y], "size_y")], "size_yf", Attr.Of("to", (long)dt));
                var nx = ctx.Emit("Cast", [ctx.Emit("Size", [x], "size_x")], "size_xf", Attr.Of("to", (long)dt));
                scale = ctx.Emit("Div", [ny, nx], "mean_scale");
            }
            g = ctx.Emit("Mul", [g, scale], "mean_dx");
        }
        ctx.AddGrad(0, g);
    }
}
