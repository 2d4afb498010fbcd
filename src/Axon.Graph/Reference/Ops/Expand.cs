namespace Axon.Graph.Reference.Ops;

/// <summary>Expand: broadcasts the input against a shape, both ways (a 1 in the shape keeps the input's dim).</summary>
[Op("Expand")]
internal sealed class Expand : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var target = NdIndex.Ints(ctx, ctx.Input(1), "shape").Select(d => d < 0 ? throw ctx.Error($"negative dim {d} in shape") : NdIndex.ToInt(ctx, d, "dim")).ToArray();
        int[] shape;
        try
        {
            shape = Broadcast.Shape(x.Shape, target);
        }
        catch (AxonModelException e)
        {
            throw ctx.Error(e.Message);
        }
        return [NdIndex.Take(x, null, Broadcast.IndexMap(x.Shape, shape), shape)];
    }
}
