using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// Dropout: in training mode (a mask output and a constant true training_mode) dX = dY·mask/(1 - ratio); otherwise
/// (inference) dX = dY.
/// </summary>
[GradFor("Dropout")]
internal sealed class DropoutGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        bool training = ctx.HasInput(2) && ctx.Constant(ctx.Input(2)) is { } t && t.GetDouble(0) != 0;
        if (!training)
        {
            ctx.AddGrad(0, dy);
            return;
        }
        if (ctx.Node.Outputs.Count < 2 || ctx.Node.Outputs[1].Length == 0)
        {
            throw ctx.Fail("a training-mode Dropout needs its mask output for the gradient");
        }
        double ratio = ctx.HasInput(1) && ctx.Constant(ctx.Input(1)) is { } r ? r.GetDouble(0) : 0.5;
        var dt = ctx.ElemType(ctx.Input(0));
        var mask = ctx.Emit("Cast", [ctx.Output(1)], "dropout_mask", Attr.Of("to", (long)dt));
        ctx.AddGrad(0, ctx.Emit("Mul", [ctx.Emit("Mul", [dy, mask], "dropout_m")!, ctx.Scalar(1 / (1 - ratio), dt)], "dropout_dx"));
    }
}
