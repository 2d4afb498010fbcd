namespace Axon.Training;

/// <summary>
/// Add, Sub, Mul, Div with NumPy broadcasting: each operand's gradient is summed over the axes it was broadcast along
/// (axon:ReduceSumTo), skipped when shapes already match. Sum (variadic) passes dY to every input.
/// </summary>
[GradFor("Add")]
[GradFor("Sub")]
[GradFor("Mul")]
[GradFor("Div")]
[GradFor("Sum")]
internal sealed class ArithmeticGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy)
        {
            return;
        }
        string y = ctx.Output(0);
        if (ctx.Node.OpType == "Sum")
        {
            for (int i = 0; i < ctx.Node.Inputs.Count; i++)
            {
                if (ctx.Needs(i))
                {
                    ctx.AddGrad(i, ctx.SumTo(dy, ctx.Input(i), y));
                }
            }
            return;
        }
        string a = ctx.Input(0), b = ctx.Input(1);
        switch (ctx.Node.OpType)
        {
            case "Add":
                Set(ctx, 0, dy);
                Set(ctx, 1, dy);
                break;
            case "Sub":
                Set(ctx, 0, dy);
                if (ctx.Needs(1))
                {
                    Set(ctx, 1, ctx.Emit("Neg", [dy], "sub_db"));
                }
                break;
            case "Mul":
                if (ctx.Needs(0))
                {
                    Set(ctx, 0, ctx.Emit("Mul", [dy, b], "mul_da"));
                }
                if (ctx.Needs(1))
                {
                    Set(ctx, 1, ctx.Emit("Mul", [dy, a], "mul_db"));
                }
                break;
            case "Div":
                if (ctx.Needs(0))
                {
                    Set(ctx, 0, ctx.Emit("Div", [dy, b], "div_da"));
                }
                if (ctx.Needs(1))
                {
                    // d(a/b)/db = -y/b
                    var t = ctx.Emit("Div", [ctx.Emit("Mul", [dy, y], "div_t"), b], "div_t");
                    Set(ctx, 1, ctx.Emit("Neg", [t], "div_db"));
                }
                break;
        }
    }

    private static void Set(GradContext ctx, int i, string grad)
    {
        if (ctx.Needs(i))
        {
            ctx.AddGrad(i, ctx.SumTo(grad, ctx.Input(i), ctx.Output(0)));
        }
    }
}
