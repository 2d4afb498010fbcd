namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:GatherGrad(dY, Indices, Data) {axis}: the gradient of Gather with respect to Data: zeros of Data's shape with
/// each dY slice added (scatter-add) at the index it was gathered from; repeated indices accumulate.
/// </summary>
[Op("GatherGrad", Domain = "axon")]
internal sealed class AxonGatherGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dyt = ctx.Input(0);
        var idx = ctx.Input(1).ToInt64s();
        var data = ctx.Input(2);
        var shape = data.Shape;
        int rank = shape.Length;
        long a = ctx.Int("axis", 0);
        int axis = (int)(a < 0 ? a + rank : a);
        if (axis < 0 || axis >= rank)
        {
            throw ctx.Error($"axis {a} is out of range for rank {rank}");
        }
        int outer = AxisRows.Prod(shape, 0, axis), len = shape[axis], inner = AxisRows.Prod(shape, axis + 1, rank);
        if (dyt.Length != outer * idx.Length * inner)
        {
            throw ctx.Error($"dY has {dyt.Length} elements, Gather's output has {outer * idx.Length * inner}");
        }
        var dy = dyt.ToDoubles();
        var dd = new double[data.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < idx.Length; j++)
            {
                long k = idx[j] < 0 ? idx[j] + len : idx[j];
                if (k < 0 || k >= len)
                {
                    throw ctx.Error($"index {idx[j]} is out of range for axis size {len}");
                }
                int src = (o * idx.Length + j) * inner, dst = (int)((o * len + k) * inner);
                for (int i = 0; i < inner; i++)
                {
                    dd[dst + i] += dy[src + i];
                }
            }
        }
        return [Tensor.FromDoubles(data.DType, dd, shape)];
    }
}
