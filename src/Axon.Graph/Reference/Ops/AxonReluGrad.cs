namespace Axon.Graph.Reference.Ops;

/// <summary>axon:ReluGrad(dY, X): dX = dY where X &gt; 0, else 0 (the gradient of Relu; 0 at the kink, as PyTorch).</summary>
[Op("ReluGrad", Domain = "axon")]
internal sealed class AxonReluGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dy = ctx.Input(0);
        var x = ctx.Input(1);
        if (!dy.Shape.AsSpan().SequenceEqual(x.Shape))
        {
            throw ctx.Error($"dY [{string.Join(",", dy.Shape)}] and X [{string.Join(",", x.Shape)}] must have the same shape");
        }
        var g = dy.ToDoubles();
        var xv = x.ToDoubles();
        for (int i = 0; i < g.Length; i++)
        {
            if (!(xv[i] > 0))
            {
                g[i] = 0;
            }
        }
        return [Tensor.FromDoubles(dy.DType, g, dy.Shape)];
    }
}
