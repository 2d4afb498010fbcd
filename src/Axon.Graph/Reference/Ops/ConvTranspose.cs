namespace Axon.Graph.Reference.Ops;

/// <summary>N-d transposed convolution: output_padding, output_shape, auto_pad, group and dilations.</summary>
[Op("ConvTranspose")]
internal sealed class ConvTranspose : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var wt = ctx.Input(1);
        var bt = ctx.OptionalInput(2);
        var xShape = xt.Shape;
        var wShape = wt.Shape;
        if (xShape.Length < 3 || wShape.Length != xShape.Length)
        {
            throw ctx.Error($"ConvTranspose needs X of rank >= 3 and W of the same rank, got [{string.Join(",", xShape)}] and [{string.Join(",", wShape)}]");
        }
        int group = (int)ctx.Int("group", 1);
        int n = xShape[0], c = xShape[1];
        if (group <= 0 || wShape[0] != c || c % group != 0)
        {
            throw ctx.Error($"channels do not match: X has {c} channels, W is [{string.Join(",", wShape)}], group {group}");
        }
        int cg = c / group, mg = wShape[1], m = mg * group;
        int rank = xShape.Length - 2;
        var inShape = xShape[2..];
        var kernel = wShape[2..];
        var ks = ctx.Ints("kernel_shape");
        if (ks is not null && !ks.Select(v => (int)v).SequenceEqual(kernel))
        {
            throw ctx.Error($"kernel_shape [{string.Join(",", ks)}] does not match W [{string.Join(",", wShape)}]");
        }
        var (strides, dil, pads) = ConvGeometry.ReadAttrs(ctx, rank);
        var outPad = ConvGeometry.ToInts(ctx.Ints("output_padding"), rank, 0, ctx, "output_padding");
        string autoPad = ctx.String("auto_pad", "NOTSET");
        var explicitOut = ctx.Ints("output_shape");
        var pb = new int[rank];
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int full = strides[i] * (inShape[i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            int target;
            if (explicitOut is { Length: > 0 })
            {
                // output_shape may also be given with the batch and channel dims in front.
                target = (int)explicitOut[explicitOut.Length - rank + i];
            }
            else if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                target = inShape[i] * strides[i];
            }
            else
            {
                pb[i] = autoPad == "VALID" ? 0 : pads[i];
                int pe = autoPad == "VALID" ? 0 : pads[i + rank];
                outShape[i] = full - pb[i] - pe;
                continue;
            }
            // Floor division: output_shape may exceed the full size (negative total padding = zeros appended).
            int total = full - target;
            int half = (int)Math.Floor(total / 2.0);
            pb[i] = autoPad == "SAME_UPPER" ? half : total - half;
            outShape[i] = target;
        }
        if (outShape.Any(v => v < 0))
        {
            throw ctx.Error($"negative output shape [{string.Join(",", outShape)}]");
        }
        var x = xt.ToDoubles();
        var w = wt.ToDoubles();
        var bias = bt?.ToDoubles();
        if (bias is not null && bias.Length != m)
        {
            throw ctx.Error($"bias has {bias.Length} values, expected {m}");
        }
        int inSize = Tensor.CheckedLength(inShape), outSize = Tensor.CheckedLength(outShape), kSize = Tensor.CheckedLength(kernel);
        var outStrides = Tensor.StridesOf(outShape);
        var y = new double[n * m * outSize];
        // For each (input position, kernel position) pair the output offset, or -1 when it falls outside the output.
        var target2 = new int[inSize * kSize];
        var iIdx = new int[rank];
        for (int ip = 0; ip < inSize; ip++, ConvGeometry.Increment(iIdx, inShape))
        {
            var kIdx = new int[rank];
            for (int k = 0; k < kSize; k++, ConvGeometry.Increment(kIdx, kernel))
            {
                int off = 0;
                for (int d = 0; d < rank && off >= 0; d++)
                {
                    int p = iIdx[d] * strides[d] - pb[d] + kIdx[d] * dil[d];
                    off = p < 0 || p >= outShape[d] ? -1 : off + p * outStrides[d];
                }
                target2[ip * kSize + k] = off;
            }
        }
        for (int b = 0; b < n; b++)
        {
            for (int gi = 0; gi < group; gi++)
            {
                for (int ic = 0; ic < cg; ic++)
                {
                    int ch = gi * cg + ic;
                    int xBase = (b * c + ch) * inSize;
                    for (int oc = 0; oc < mg; oc++)
                    {
                        int wBase = (ch * mg + oc) * kSize;
                        int yBase = (b * m + gi * mg + oc) * outSize;
                        for (int ip = 0; ip < inSize; ip++)
                        {
                            double xv = x[xBase + ip];
                            for (int k = 0; k < kSize; k++)
                            {
                                int t = target2[ip * kSize + k];
                                if (t >= 0)
                                {
                                    y[yBase + t] += xv * w[wBase + k];
                                }
                            }
                        }
                    }
                }
            }
        }
        if (bias is not null)
        {
            for (int b = 0; b < n; b++)
            {
                for (int oc = 0; oc < m; oc++)
                {
                    for (int j = 0; j < outSize; j++)
                    {
                        y[(b * m + oc) * outSize + j] += bias[oc];
                    }
                }
            }
        }
        return [Tensor.FromDoubles(xt.DType, y, [n, m, .. outShape])];
    }
}
