namespace Axon.Graph.Reference.Ops;

/// <summary>Flatten: a 2-D view [prod(dims before axis), prod(dims from axis)]; axis may be negative from opset 11.</summary>
[Op("Flatten")]
internal sealed class Flatten : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long axis = ctx.Int("axis", 1);
        int rank = x.Rank;
        long a = axis < 0 ? axis + rank : axis;
        // axis == rank is allowed: the output is [N, 1].
        if (a < 0 || a > rank)
        {
            throw ctx.Error($"axis {axis} is out of range for rank {rank}");
        }
        int outer = NdIndex.Product(x.Shape, 0, (int)a);
        int inner = NdIndex.Product(x.Shape, (int)a, rank);
        return [x.Reshape(outer, inner)];
    }
}
