using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// Softmax (opset 13 semantics, one axis): dX = y·(dY - Σ_axis dY·y). LogSoftmax: dX = dY - exp(y)·Σ_axis dY.
/// </summary>
[GradFor("Softmax")]
[GradFor("LogSoftmax")]
internal sealed class SoftmaxGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        string y = ctx.Output(0);
        long axis = ctx.Node.GetInt("axis", -1);
        var axes = ctx.Int64s(axis);
        var keep = Attr.Of("keepdims", 1L);
        if (ctx.Node.OpType == "Softmax")
        {
            var dyy = ctx.Emit("Mul", [dy, y], "softmax_dyy");
            var s = ctx.Emit("ReduceSum", [dyy, axes], "softmax_sum", keep);
            ctx.AddGrad(0, ctx.Emit("Mul", [y, ctx.Emit("Sub", [dy, s], "softmax_c")], "softmax_dx"));
        }
        else
        {
            var s = ctx.Emit("ReduceSum", [dy, axes], "logsoftmax_sum", keep);
            var p = ctx.Emit("Exp", [y], "logsoftmax_p");
            ctx.AddGrad(0, ctx.Emit("Sub", [dy, ctx.Emit("Mul", [p, s], "logsoftmax_ps")], "logsoftmax_dx"));
        }
    }
}
