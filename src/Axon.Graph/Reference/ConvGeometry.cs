namespace Axon.Graph.Reference;

/// <summary>
/// The spatial geometry shared by Conv, ConvTranspose and the pooling ops: kernel, strides, dilations and the resolved
/// begin/end pads for each spatial axis, plus the output spatial size. Built from a node's attributes and the input
/// spatial shape so that every op resolves auto_pad and ceil_mode the same way.
/// </summary>
public sealed class ConvGeometry
{
    public required int[] InShape { get; init; }
    public required int[] Kernel { get; init; }
    public required int[] Strides { get; init; }
    public required int[] Dilations { get; init; }
    public required int[] PadBegin { get; init; }
    public required int[] PadEnd { get; init; }
    public required int[] OutShape { get; init; }

    public int Rank => InShape.Length;
    public int InSize => Tensor.CheckedLength(InShape);
    public int OutSize => Tensor.CheckedLength(OutShape);
    public int KernelSize => Tensor.CheckedLength(Kernel);

    /// <summary>Reads strides, dilations and pads (defaulting to 1, 1 and 0) and checks their lengths.</summary>
    public static (int[] Strides, int[] Dilations, int[] Pads) ReadAttrs(OpContext ctx, int rank)
    {
        var strides = ToInts(ctx.Ints("strides"), rank, 1, ctx, "strides");
        var dil = ToInts(ctx.Ints("dilations"), rank, 1, ctx, "dilations");
        var pads = ToInts(ctx.Ints("pads"), 2 * rank, 0, ctx, "pads");
        foreach (int s in strides)
        {
            if (s <= 0)
            {
                throw ctx.Error($"strides must be positive, got [{string.Join(",", strides)}]");
            }
        }
        foreach (int d in dil)
        {
            if (d <= 0)
            {
                throw ctx.Error($"dilations must be positive, got [{string.Join(",", dil)}]");
            }
        }
        return (strides, dil, pads);
    }

    public static int[] ToInts(long[]? v, int len, int def, OpContext ctx, string name)
    {
        if (v is null || v.Length == 0)
        {
            var r = new int[len];
            Array.Fill(r, def);
            return r;
        }
        if (v.Length != len)
        {
            throw ctx.Error($"attribute {name} has {v.Length} values, expected {len}");
        }
        return v.Select(x => checked((int)x)).ToArray();
    }

    /// <summary>
    /// Geometry for a forward sliding window (Conv, pools). <paramref name="poolRules"/> selects the pooling output-size
    /// rules: ceil_mode, and dropping a last window that would start inside the end padding.
    /// </summary>
    public static ConvGeometry Forward(OpContext ctx, int[] inShape, int[] kernel, bool poolRules, bool ceilMode = false)
    {
        int rank = inShape.Length;
        if (kernel.Length != rank)
        {
            throw ctx.Error($"kernel has {kernel.Length} spatial dims but the input has {rank}");
        }
        var (strides, dil, pads) = ReadAttrs(ctx, rank);
        string autoPad = ctx.String("auto_pad", "NOTSET");
        var pb = new int[rank];
        var pe = new int[rank];
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int dk = dil[i] * (kernel[i] - 1) + 1;
            int n = inShape[i];
            switch (autoPad)
            {
                case "NOTSET" or "":
                {
                    pb[i] = pads[i];
                    pe[i] = pads[i + rank];
                    int span = n + pb[i] + pe[i] - dk;
                    if (span < 0)
                    {
                        throw ctx.Error($"kernel extent {dk} exceeds padded input size {n + pb[i] + pe[i]} on spatial axis {i}");
                    }
                    int o = ceilMode ? CeilDiv(span, strides[i]) + 1 : span / strides[i] + 1;
                    // A window that would start in the end padding is dropped (ceil_mode only can produce one).
                    if (poolRules && ceilMode && (o - 1) * strides[i] >= n + pb[i])
                    {
                        o--;
                    }
                    outShape[i] = o;
                    break;
                }
                case "VALID":
                {
                    int span = n - dk;
                    if (span < 0)
                    {
                        throw ctx.Error($"kernel extent {dk} exceeds input size {n} on spatial axis {i}");
                    }
                    outShape[i] = ceilMode ? CeilDiv(span + 1, strides[i]) : span / strides[i] + 1;
                    break;
                }
                case "SAME_UPPER" or "SAME_LOWER":
                {
                    int o = CeilDiv(n, strides[i]);
                    int total = Math.Max(0, (o - 1) * strides[i] + dk - n);
                    pb[i] = autoPad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
                    pe[i] = total - pb[i];
                    outShape[i] = o;
                    break;
                }
                default:
                    throw ctx.Error($"unknown auto_pad '{autoPad}'");
            }
        }
        return new ConvGeometry { InShape = inShape, Kernel = kernel, Strides = strides, Dilations = dil, PadBegin = pb, PadEnd = pe, OutShape = outShape };
    }

    public static int CeilDiv(int a, int b) => (int)Math.Ceiling(a / (double)b);

    /// <summary>Multi-indices of every kernel position, row-major: <c>[k][axis]</c>.</summary>
    public int[][] KernelOffsets()
    {
        int kn = KernelSize;
        var r = new int[kn][];
        var idx = new int[Rank];
        for (int k = 0; k < kn; k++)
        {
            r[k] = (int[])idx.Clone();
            Increment(idx, Kernel);
        }
        return r;
    }

    /// <summary>Advances a row-major multi-index over <paramref name="shape"/>; false after the last one.</summary>
    public static bool Increment(int[] idx, int[] shape)
    {
        for (int d = idx.Length - 1; d >= 0; d--)
        {
            if (++idx[d] < shape[d])
            {
                return true;
            }
            idx[d] = 0;
        }
        return false;
    }

    /// <summary>
    /// The window of one output position: for each kernel position inside the input, its kernel index and the flat input
    /// spatial offset. Fills the caller's buffers (no allocation) and returns how many positions are valid.
    /// <paramref name="inWindow"/> counts positions inside the padded input [-padBegin, in + padEnd) (for count_include_pad).
    /// </summary>
    public int Window(int[] outIdx, int[][] kernelOffsets, int[] kIndex, int[] inOffset, out int inWindow)
    {
        int count = 0;
        inWindow = 0;
        var inStrides = InStrides;
        for (int k = 0; k < kernelOffsets.Length; k++)
        {
            var ko = kernelOffsets[k];
            int off = 0;
            bool inside = true;
            bool inPadded = true;
            for (int d = 0; d < ko.Length; d++)
            {
                int p = outIdx[d] * Strides[d] - PadBegin[d] + ko[d] * Dilations[d];
                if (p < 0 || p >= InShape[d])
                {
                    inside = false;
                    if (p < -PadBegin[d] || p >= InShape[d] + PadEnd[d])
                    {
                        inPadded = false;
                    }
                }
                off += p * inStrides[d];
            }
            if (inPadded)
            {
                inWindow++;
            }
            if (inside)
            {
                kIndex[count] = k;
                inOffset[count] = off;
                count++;
            }
        }
        return count;
    }

    private int[]? _inStrides;

    public int[] InStrides => _inStrides ??= Tensor.StridesOf(InShape);
}
