namespace Axon.Graph.Reference.Ops;

/// <summary>Scatters X into a zero tensor at the flat positions given by I (MaxPool's Indices).</summary>
[Op("MaxUnpool")]
internal sealed class MaxUnpool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var it = ctx.Input(1);
        var os = ctx.OptionalInput(2);
        var xs = xt.Shape;
        if (xs.Length < 3 || !it.Shape.AsSpan().SequenceEqual(xs))
        {
            throw ctx.Error($"X [{string.Join(",", xs)}] must have rank >= 3 and I the same shape, I is [{string.Join(",", it.Shape)}]");
        }
        int rank = xs.Length - 2;
        var ks = ctx.Ints("kernel_shape") ?? throw ctx.Error("attribute kernel_shape is required");
        var kernel = ConvGeometry.ToInts(ks, rank, 1, ctx, "kernel_shape");
        var (strides, _, pads) = ConvGeometry.ReadAttrs(ctx, rank);
        int[] outShape;
        if (os is not null)
        {
            outShape = os.ToInt64s().Select(v => checked((int)v)).ToArray();
            if (outShape.Length != xs.Length)
            {
                throw ctx.Error($"output_shape has {outShape.Length} dims, expected {xs.Length}");
            }
        }
        else
        {
            outShape = new int[xs.Length];
            outShape[0] = xs[0];
            outShape[1] = xs[1];
            for (int i = 0; i < rank; i++)
            {
                outShape[i + 2] = (xs[i + 2] - 1) * strides[i] + kernel[i] - pads[i] - pads[i + rank];
            }
        }
        var x = xt.ToDoubles();
        var idx = it.ToInt64s();
        var y = new double[Tensor.CheckedLength(outShape)];
        for (int i = 0; i < x.Length; i++)
        {
            if (idx[i] < 0 || idx[i] >= y.Length)
            {
                throw ctx.Error($"index {idx[i]} is outside the output of {y.Length} elements");
            }
            y[idx[i]] = x[i];
        }
        return [Tensor.FromDoubles(xt.DType, y, outShape)];
    }
}
