using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// ConvTranspose: X [N, C, D...] with W [C, M/group, k...] gives [N, M, out...] where
/// out = stride*(in-1) + output_padding + dilation*(k-1) + 1 - pads, unless output_shape fixes it.
/// </summary>
[Schema("ConvTranspose")]
internal sealed class ConvTranspose : IOpSchema
{
    public IReadOnlyDictionary<string, AttrKind> Attributes => WindowGeometry.Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var w = ctx.Shape(1);
        DType t = ctx.ElemType(0);
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (x.Rank < 3)
        {
            return ctx.Fail($"input must be at least 3-D, got {x}");
        }
        int spatial = x.Rank - 2;
        long group = ctx.Int("group", 1);
        Dim m = w.HasRank && w[1].IsKnown ? Dim.Known(w[1].Value * group) : Dim.Unknown;
        var dims = new List<Dim> { x[0], m };
        long[]? k = ctx.Ints("kernel_shape") ?? (w.HasRank && w.Dims.Skip(2).All(d => d.IsKnown) ? w.Dims.Skip(2).Select(d => d.Value).ToArray() : null);
        var outShape = ctx.Ints("output_shape");
        if (outShape is { Length: > 0 })
        {
            dims.AddRange(outShape.TakeLast(spatial).Select(v => Dim.Known(v)));
            return ctx.One(t, dims);
        }
        if (k is null || k.Length != spatial)
        {
            dims.AddRange(Enumerable.Repeat(Dim.Unknown, spatial));
            return ctx.One(t, dims);
        }
        var strides = ctx.Ints("strides") is { Length: > 0 } s ? s : Enumerable.Repeat(1L, spatial).ToArray();
        var dil = ctx.Ints("dilations") is { Length: > 0 } d ? d : Enumerable.Repeat(1L, spatial).ToArray();
        var outPad = ctx.Ints("output_padding") is { Length: > 0 } op ? op : new long[spatial];
        var pads = ctx.Ints("pads") is { Length: > 0 } p ? p : new long[2 * spatial];
        string autoPad = ctx.String("auto_pad", "NOTSET");
        for (int i = 0; i < spatial; i++)
        {
            Dim xi = x[2 + i];
            if (!xi.IsKnown)
            {
                dims.Add(Dim.Unknown);
                continue;
            }
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                dims.Add(Dim.Known(xi.Value * strides[i]));
                continue;
            }
            long padTotal = autoPad == "VALID" ? 0 : pads[i] + pads[i + spatial];
            dims.Add(Dim.Known(strides[i] * (xi.Value - 1) + outPad[i] + dil[i] * (k[i] - 1) + 1 - padTotal));
        }
        return ctx.One(t, dims);
    }

    /// <summary>Each input element scatters into C_out/group * kernel volume outputs: 2 FLOPs each.</summary>
    public OpCost Cost(CostContext ctx)
    {
        var w = ctx.InputShape(1);
        if (!w.HasRank || w.Rank < 2)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        return ctx.Memory(2 * ctx.InputElements(0) * SymExpr.Of(w[1]) * WindowGeometry.KernelVolume(w));
    }
}
