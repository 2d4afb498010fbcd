namespace Axon.Graph.Reference.Ops;

/// <summary>axon:ConvGradInput(dY, W, X) with Conv's attributes: dX = the gradient of Conv(X, W) with respect to X (X gives only the shape).</summary>
[Op("ConvGradInput", Domain = "axon")]
internal sealed class AxonConvGradInput : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dy = ctx.Input(0);
        var w = ctx.Input(1);
        var x = ctx.Input(2);
        var dyv = dy.ToDoubles();
        var wv = w.ToDoubles();
        var dx = new double[x.Length];
        ConvGrad.ForEach(ctx, x.Shape, w.Shape, dy.Shape, (dyi, xi, wi) => dx[xi] += dyv[dyi] * wv[wi]);
        return [Tensor.FromDoubles(x.DType, dx, x.Shape)];
    }
}
