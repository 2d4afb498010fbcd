namespace Axon.Graph.Reference.Ops;

/// <summary>axon:ConvGradBias(dY): dB[k] = Σ over images and positions of dY[n, k, ...].</summary>
[Op("ConvGradBias", Domain = "axon")]
internal sealed class AxonConvGradBias : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dy = ctx.Input(0);
        if (dy.Rank < 2)
        {
            throw ctx.Error($"dY must be [N, K, ...], got [{string.Join(",", dy.Shape)}]");
        }
        int n = dy.Shape[0], k = dy.Shape[1], plane = AxisRows.Prod(dy.Shape, 2, dy.Rank);
        var v = dy.ToDoubles();
        var db = new double[k];
        for (int i = 0; i < v.Length; i++)
        {
            db[i / plane % k] += v[i];
        }
        _ = n;
        return [Tensor.FromDoubles(dy.DType, db, k)];
    }
}
