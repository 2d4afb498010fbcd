namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Unsqueeze: inserts size-1 axes at the given output positions (negative counts from the back of the output).
/// Axes are an attribute before opset 13 and the second input after; their order does not matter.
/// </summary>
[Op("Unsqueeze")]
internal sealed class Unsqueeze : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long[] axes = ctx.Opset >= 13
            ? NdIndex.Ints(ctx, ctx.Input(1), "axes")
            : ctx.Ints("axes") ?? throw ctx.Error("missing the axes attribute");
        int outRank = x.Rank + axes.Length;
        var insert = new bool[outRank];
        foreach (int a in NdIndex.Axes(ctx, axes, outRank))
        {
            insert[a] = true;
        }
        var shape = new int[outRank];
        int k = 0;
        for (int i = 0; i < outRank; i++)
        {
            shape[i] = insert[i] ? 1 : x.Shape[k++];
        }
        return [x.Reshape(shape)];
    }
}
