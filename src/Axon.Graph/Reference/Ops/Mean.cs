namespace Axon.Graph.Reference.Ops;

/// <summary>Elementwise mean of any number of float inputs with broadcasting (summed in double, divided, rounded once).</summary>
[Op("Mean")]
internal sealed class Mean : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        int n = 0;
        for (int i = 0; i < ctx.InputCount; i++)
        {
            if (ctx.HasInput(i))
            {
                MathKernels.RequireFloat(ctx, ctx.Input(i));
                n++;
            }
        }
        var dt = ctx.Input(0).DType;
        // Sum in float64 so the only rounding is the final one to the input dtype.
        var sum = MathKernels.Fold(ctx, (a, b) => Elementwise.Binary(a, b, (x, y) => x + y, DType.Float64));
        if (sum.DType != DType.Float64)
        {
            sum = Tensor.FromDoubles(DType.Float64, sum.ToDoubles(), sum.Shape);
        }
        return [Elementwise.Unary(sum, v => v / n, dt)];
    }
}
