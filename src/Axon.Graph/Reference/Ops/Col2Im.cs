namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Col2Im: the inverse of im2col. Input [N, C*prod(block), L] holds one column per block position (blocks in row-major
/// order over the sliding grid); each value is added into the image pixel it covers, so overlapping blocks sum.
/// </summary>
[Op("Col2Im")]
internal sealed class Col2Im : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var image = NdIndex.Ints(ctx, ctx.Input(1), "image_shape").Select(v => NdIndex.ToInt(ctx, v, "image dim")).ToArray();
        var block = NdIndex.Ints(ctx, ctx.Input(2), "block_shape").Select(v => NdIndex.ToInt(ctx, v, "block dim")).ToArray();
        int nd = image.Length;
        var dil = ctx.Ints("dilations") ?? Enumerable.Repeat(1L, nd).ToArray();
        var pads = ctx.Ints("pads") ?? new long[2 * nd];
        var strides = ctx.Ints("strides") ?? Enumerable.Repeat(1L, nd).ToArray();
        if (x.Rank != 3 || block.Length != nd || dil.Length != nd || strides.Length != nd || pads.Length != 2 * nd)
        {
            throw ctx.Error($"input {NdIndex.Str(x.Shape)}, image_shape, block_shape, dilations, pads and strides do not agree");
        }
        int blockSize = NdIndex.Product(block);
        if (blockSize == 0 || x.Shape[1] % blockSize != 0)
        {
            throw ctx.Error($"input channels {x.Shape[1]} are not a multiple of the block size {blockSize}");
        }
        int n = x.Shape[0], c = x.Shape[1] / blockSize, l = x.Shape[2];
        var grid = new int[nd];
        for (int i = 0; i < nd; i++)
        {
            long span = image[i] + pads[i] + pads[i + nd] - (dil[i] * (block[i] - 1) + 1);
            grid[i] = span < 0 ? 0 : (int)(span / strides[i] + 1);
        }
        if (NdIndex.Product(grid) != l)
        {
            throw ctx.Error($"{l} columns do not match the {NdIndex.Str(grid)} grid of blocks");
        }
        int pixels = NdIndex.Product(image);
        var imgStrides = Tensor.StridesOf(image);
        // target[b * l + col] = flat pixel that block element b of column col lands on, or -1 in the padding.
        var target = new int[blockSize * l];
        var bIdx = new int[nd];
        for (int b = 0; b < blockSize; b++)
        {
            var gIdx = new int[nd];
            for (int col = 0; col < l; col++)
            {
                int f = 0;
                for (int i = 0; i < nd && f >= 0; i++)
                {
                    long p = gIdx[i] * strides[i] - pads[i] + bIdx[i] * dil[i];
                    f = p < 0 || p >= image[i] ? -1 : f + (int)p * imgStrides[i];
                }
                target[b * l + col] = f;
                NdIndex.Increment(gIdx, grid);
            }
            NdIndex.Increment(bIdx, block);
        }
        var shape = new[] { n, c }.Concat(image).ToArray();
        bool ints = x.DType.IsInteger();
        var v = x.ToDoubles();
        var vi = ints ? x.ToInt64s() : null;
        var r = new double[n * c * pixels];
        var ri = new long[r.Length];
        for (int img = 0; img < n * c; img++)
        {
            for (int k = 0; k < blockSize * l; k++)
            {
                if (target[k] >= 0)
                {
                    int src = img * blockSize * l + k;
                    int dst = img * pixels + target[k];
                    r[dst] += v[src];
                    if (vi is not null)
                    {
                        ri[dst] = unchecked(ri[dst] + vi[src]);
                    }
                }
            }
        }
        return [ints ? Tensor.FromInt64s(x.DType, ri, shape) : Tensor.FromDoubles(x.DType, r, shape)];
    }
}
