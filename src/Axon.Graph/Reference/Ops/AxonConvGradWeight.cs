namespace Axon.Graph.Reference.Ops;

/// <summary>axon:ConvGradWeight(X, dY, W) with Conv's attributes: dW = the gradient of Conv(X, W) with respect to W (W gives only the shape).</summary>
[Op("ConvGradWeight", Domain = "axon")]
internal sealed class AxonConvGradWeight : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var dy = ctx.Input(1);
        var w = ctx.Input(2);
        var dyv = dy.ToDoubles();
        var xv = x.ToDoubles();
        var dw = new double[w.Length];
        ConvGrad.ForEach(ctx, x.Shape, w.Shape, dy.Shape, (dyi, xi, wi) => dw[wi] += dyv[dyi] * xv[xi]);
        return [Tensor.FromDoubles(w.DType, dw, w.Shape)];
    }
}
