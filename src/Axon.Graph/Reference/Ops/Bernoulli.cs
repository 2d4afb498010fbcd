namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Draws 0/1 samples with the input's probabilities. Output values are random by nature (the conformance data can only
/// be matched in shape and dtype); a seed attribute makes runs repeatable.
/// </summary>
[Op("Bernoulli")]
internal sealed class Bernoulli : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var p = x.ToDoubles();
        var rng = RandomDraws.For(ctx);
        var r = new double[p.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = rng.NextDouble() < p[i] ? 1 : 0;
        }
        var dtype = ctx.Node.HasAttr("dtype") ? (DType)ctx.Int("dtype", 0) : x.DType;
        return [Tensor.FromDoubles(dtype, r, x.Shape)];
    }
}
