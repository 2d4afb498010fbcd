using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// Conv(X, W, B?): dX = axon:ConvGradInput(dY, W, X), dW = axon:ConvGradWeight(X, dY, W), dB = axon:ConvGradBias(dY),
/// each carrying the convolution's geometry attributes (fast GEMM kernels in the compiled path).
/// </summary>
[GradFor("Conv")]
internal sealed class ConvGradRule : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy)
        {
            return;
        }
        var attrs = ctx.Node.Attributes.Values.Where(a => a.Name is "strides" or "pads" or "dilations" or "group" or "auto_pad" or "kernel_shape").ToArray();
        string x = ctx.Input(0), w = ctx.Input(1);
        if (ctx.Needs(0))
        {
            ctx.AddGrad(0, ctx.EmitAxon("ConvGradInput", [dy, w, x], "conv_dx", attrs));
        }
        if (ctx.Needs(1))
        {
            ctx.AddGrad(1, ctx.EmitAxon("ConvGradWeight", [x, dy, w], "conv_dw", attrs));
        }
        if (ctx.Needs(2))
        {
            ctx.AddGrad(2, ctx.EmitAxon("ConvGradBias", [dy], "conv_db"));
        }
    }
}
