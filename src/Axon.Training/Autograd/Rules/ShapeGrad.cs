using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// Ops that only move elements without reordering them (Reshape, Flatten, Squeeze, Unsqueeze) and Identity:
/// dX = Reshape(dY, Shape(X)) (the shape is folded to a constant when the plan binds input shapes).
/// </summary>
[GradFor("Reshape")]
[GradFor("Flatten")]
[GradFor("Squeeze")]
[GradFor("Unsqueeze")]
[GradFor("Identity")]
[GradFor("Expand")]
[GradFor("Cast")]
internal sealed class ShapeGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        if (ctx.Node.OpType == "Identity")
        {
            ctx.AddGrad(0, dy);
            return;
        }
        string x = ctx.Input(0);
        if (ctx.Node.OpType == "Expand")
        {
            ctx.AddGrad(0, ctx.EmitAxon("ReduceSumTo", [dy, x], "expand_dx"));
            return;
        }
        if (ctx.Node.OpType == "Cast")
        {
            ctx.AddGrad(0, ctx.Emit("Cast", [dy], "cast_dx", Attr.Of("to", (long)ctx.ElemType(x))));
            return;
        }
        string shape = ctx.StaticShape(x) is { } s
            ? ctx.Int64s(s.Select(v => (long)v).ToArray())
            : ctx.Emit("Shape", [x], "shape_of");
        ctx.AddGrad(0, ctx.Emit("Reshape", [dy, shape], "reshape_dx"));
    }
}
