namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:ReduceSumTo(dY, Like): sums dY over the axes along which Like was broadcast (NumPy rules, right-aligned), giving
/// Like's shape. The gradient of any broadcasting binary op with respect to the smaller operand.
/// </summary>
[Op("ReduceSumTo", Domain = "axon")]
internal sealed class AxonReduceSumTo : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dy = ctx.Input(0);
        var like = ctx.Input(1);
        int[] target = like.Shape;
        if (target.Length > dy.Rank || Broadcast.Shape(target, dy.Shape) is var s && !s.AsSpan().SequenceEqual(dy.Shape))
        {
            throw ctx.Error($"[{string.Join(",", target)}] does not broadcast to dY's shape [{string.Join(",", dy.Shape)}]");
        }
        var map = Broadcast.IndexMap(target, dy.Shape);
        var src = dy.ToDoubles();
        var sum = new double[Tensor.CheckedLength(target)];
        for (int i = 0; i < src.Length; i++)
        {
            sum[map[i]] += src[i];
        }
        return [Tensor.FromDoubles(dy.DType, sum, target)];
    }
}
