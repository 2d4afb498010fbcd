using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// Elementwise activations, from the output where that is cheapest: Sigmoid dY·y(1-y), Tanh dY·(1-y²), Exp dY·y,
/// LeakyRelu dY·(x &gt; 0 ? 1 : alpha), Gelu (erf or tanh form) by axon:GeluGrad, Neg -dY, Sqrt dY/(2y), Log dY/x.
/// </summary>
[GradFor("Sigmoid")]
[GradFor("Tanh")]
[GradFor("Exp")]
[GradFor("LeakyRelu")]
[GradFor("Gelu")]
[GradFor("Gelu", Domain = "axon")]
[GradFor("Neg")]
[GradFor("Sqrt")]
[GradFor("Log")]
internal sealed class ActivationGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        string x = ctx.Input(0), y = ctx.Output(0);
        var dt = ctx.ElemType(x);
        string dx = ctx.Node.OpType switch
        {
            "Sigmoid" => ctx.Emit("Mul", [dy, ctx.Emit("Mul", [y, ctx.Emit("Sub", [ctx.Scalar(1, dt), y], "sig_1my")], "sig_d")], "sigmoid_dx"),
            "Tanh" => ctx.Emit("Mul", [dy, ctx.Emit("Sub", [ctx.Scalar(1, dt), ctx.Emit("Mul", [y, y], "tanh_y2")], "tanh_d")], "tanh_dx"),
            "Exp" => ctx.Emit("Mul", [dy, y], "exp_dx"),
            "LeakyRelu" => ctx.Emit("Where", [ctx.Emit("Greater", [x, ctx.Scalar(0, dt)], "lrelu_pos"), dy,
                ctx.Emit("Mul", [dy, ctx.Scalar(ctx.Node.GetFloat("alpha", 0.01f), dt)], "lrelu_neg")], "lrelu_dx"),
            "Gelu" => ctx.EmitAxon("GeluGrad", [dy, x], "gelu_dx", ctx.Node.Attributes.Values.Where(a => a.Name == "approximate").ToArray()),
            "Neg" => ctx.Emit("Neg", [dy], "neg_dx"),
            "Sqrt" => ctx.Emit("Div", [ctx.Emit("Mul", [dy, ctx.Scalar(0.5, dt)], "sqrt_h")!, y], "sqrt_dx"),
            "Log" => ctx.Emit("Div", [dy, x], "log_dx"),
            _ => throw ctx.Fail("no activation gradient"),
        };
        ctx.AddGrad(0, dx);
    }
}
