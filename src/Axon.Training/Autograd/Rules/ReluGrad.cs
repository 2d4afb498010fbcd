namespace Axon.Training;

/// <summary>Relu: dX = dY where Y &gt; 0 (axon:ReluGrad reads the output, so an in-place Relu stays correct).</summary>
[GradFor("Relu")]
internal sealed class ReluGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is { } dy && ctx.Needs(0))
        {
            ctx.AddGrad(0, ctx.EmitAxon("ReluGrad", [dy, ctx.Output(0)], "relu_dx"));
        }
    }
}
