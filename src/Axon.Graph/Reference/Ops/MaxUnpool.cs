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
        // Indices address the inferred (unpadded) output; an explicit output_shape only pads it at the end of each axis.
        var outShape = new int[xs.Length];
        outShape[0] = xs[0];
        outShape[1] = xs[1];
        for (int i = 0; i < rank; i++)
        {
            outShape[i + 2] = (xs[i + 2] - 1) * strides[i] + kernel[i] - pads[i] - pads[i + rank];
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
        if (os is null)
        {
            return [Tensor.FromDoubles(xt.DType, y, outShape)];
        }
        var target = os.ToInt64s().Select(v => checked((int)v)).ToArray();
        if (target.Length != xs.Length || target[0] != xs[0] || target[1] != xs[1] || target.Zip(outShape).Any(p => p.First < p.Second))
        {
            throw ctx.Error($"output_shape [{string.Join(",", target)}] cannot hold the unpooled shape [{string.Join(",", outShape)}]");
        }
        var z = new double[Tensor.CheckedLength(target)];
        var ts = Tensor.StridesOf(target);
        var idxv = new int[outShape.Length];
        for (int i = 0; i < y.Length; i++, ConvGeometry.Increment(idxv, outShape))
        {
            int off = 0;
            for (int d = 0; d < idxv.Length; d++)
            {
                off += idxv[d] * ts[d];
            }
            z[off] = y[i];
        }
        return [Tensor.FromDoubles(xt.DType, z, target)];
    }
}
