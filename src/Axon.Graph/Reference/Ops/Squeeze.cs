namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Squeeze: removes size-1 axes. Axes come from an attribute before opset 13 and from the optional second input after;
/// without axes every size-1 dim is removed.
/// </summary>
[Op("Squeeze")]
internal sealed class Squeeze : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long[]? axes = ctx.Opset >= 13
            ? (ctx.HasInput(1) ? NdIndex.Ints(ctx, ctx.Input(1), "axes") : null)
            : ctx.Ints("axes");
        var drop = new bool[x.Rank];
        if (axes is null)
        {
            for (int i = 0; i < x.Rank; i++)
            {
                drop[i] = x.Shape[i] == 1;
            }
        }
        else
        {
            foreach (int a in NdIndex.Axes(ctx, axes, x.Rank))
            {
                if (x.Shape[a] != 1)
                {
                    throw ctx.Error($"cannot squeeze axis {a} of {NdIndex.Str(x.Shape)}: its size is not 1");
                }
                drop[a] = true;
            }
        }
        return [x.Reshape(x.Shape.Where((_, i) => !drop[i]).ToArray())];
    }
}
