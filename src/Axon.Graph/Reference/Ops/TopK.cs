namespace Axon.Graph.Reference.Ops;

/// <summary>
/// TopK: the k largest (or, from opset 11, smallest) elements along an axis with their int64 indices. k is an attribute
/// before opset 10 and the second input after. Equal values keep the lower index first; the output is always sorted,
/// which is one valid order when sorted=0.
/// </summary>
[Op("TopK")]
internal sealed class TopK : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long k = ctx.Opset < 10
            ? ctx.Int("k", -1)
            : NdIndex.Ints(ctx, ctx.Input(1), "K") is { Length: 1 } kk ? kk[0] : throw ctx.Error("K must hold one value");
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", -1), x.Rank);
        int dim = x.Shape[axis];
        if (k < 0 || k > dim)
        {
            throw ctx.Error($"k {k} is outside [0, {dim}] for axis {axis} of {NdIndex.Str(x.Shape)}");
        }
        bool largest = ctx.Int("largest", 1) != 0;
        var cmp = ElementOrder.Of(x);
        int outer = NdIndex.Product(x.Shape, 0, axis);
        int inner = NdIndex.Product(x.Shape, axis + 1, x.Rank);
        var shape = (int[])x.Shape.Clone();
        shape[axis] = (int)k;
        var map = new int[Tensor.CheckedLength(shape)];
        var idxOut = new long[map.Length];
        var line = new int[dim];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int baseOff = o * dim * inner + i;
                for (int j = 0; j < dim; j++)
                {
                    line[j] = j;
                }
                Array.Sort(line, (a, b) =>
                {
                    int c = cmp(baseOff + a * inner, baseOff + b * inner);
                    return c != 0 ? (largest ? -c : c) : a.CompareTo(b);
                });
                for (int j = 0; j < k; j++)
                {
                    int outPos = (o * (int)k + j) * inner + i;
                    map[outPos] = baseOff + line[j] * inner;
                    idxOut[outPos] = line[j];
                }
            }
        }
        return [NdIndex.Take(x, null, map, shape), Tensor.FromArray(idxOut, shape)];
    }
}
