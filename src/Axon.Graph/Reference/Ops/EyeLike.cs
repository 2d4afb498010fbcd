namespace Axon.Graph.Reference.Ops;

/// <summary>EyeLike: a 2-D tensor of the input's shape with ones on diagonal k (j = i + k); dtype from the attribute or the input.</summary>
[Op("EyeLike")]
internal sealed class EyeLike : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank != 2)
        {
            throw ctx.Error($"input must be 2-D, got {NdIndex.Str(x.Shape)}");
        }
        var dt = ctx.Node.HasAttr("dtype") ? (DType)ctx.Int("dtype", 1) : x.DType;
        long k = ctx.Int("k", 0);
        int rows = x.Shape[0], cols = x.Shape[1];
        var v = new long[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            long j = i + k;
            if (j >= 0 && j < cols)
            {
                v[i * cols + j] = 1;
            }
        }
        return [Tensor.FromInt64s(dt, v, rows, cols)];
    }
}
