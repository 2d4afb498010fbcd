using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Resize (and Upsample): output dims from 'sizes' when given, else floor(dim * scale). Inputs moved over the opsets:
/// opset 10 has (X, scales); 11+ has (X, roi, scales, sizes); 18 adds 'axes' and 'keep_aspect_ratio_policy'.
/// </summary>
[Schema("Resize")]
[Schema("Upsample")]
internal sealed class Resize : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["mode"] = AttrKind.String, ["coordinate_transformation_mode"] = AttrKind.String, ["cubic_coeff_a"] = AttrKind.Float,
        ["exclude_outside"] = AttrKind.Int, ["extrapolation_value"] = AttrKind.Float, ["nearest_mode"] = AttrKind.String,
        ["axes"] = AttrKind.Ints, ["keep_aspect_ratio_policy"] = AttrKind.String, ["antialias"] = AttrKind.Int,
        ["scales"] = AttrKind.Floats,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        int rank = x.Rank;
        var axes = ctx.Ints("axes") is { Length: > 0 } a ? a.Select(v => v < 0 ? v + rank : v).ToArray() : Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        var dims = x.Dims.ToArray();
        bool upsample = ctx.Node.OpType == "Upsample";
        double[]? scales = upsample && ctx.Opset < 9 ? ctx.Node.GetFloats("scales")?.Select(f => (double)f).ToArray()
            : ScalesInput(ctx, upsample || ctx.Opset < 11 ? 1 : 2);
        long[]? sizes = !upsample && ctx.Opset >= 11 && ctx.HasInput(3) ? ctx.ConstInts(3) : null;
        if (sizes is { Length: > 0 })
        {
            if (sizes.Length != axes.Length)
            {
                return ctx.Fail($"sizes has {sizes.Length} entries for {axes.Length} axes");
            }
            string policy = ctx.String("keep_aspect_ratio_policy", "stretch");
            if (policy != "stretch")
            {
                // not_larger / not_smaller: one common scale, chosen from the known dims.
                if (axes.Any(ax => !x[(int)ax].IsKnown))
                {
                    return ctx.One(t, dims.Select((d, i) => axes.Contains(i) ? Dim.Unknown : d));
                }
                var ratios = axes.Select((ax, i) => (double)sizes[i] / x[(int)ax].Value);
                double s = policy == "not_larger" ? ratios.Min() : ratios.Max();
                foreach (long ax in axes)
                {
                    dims[ax] = Dim.Known((long)Math.Round(x[(int)ax].Value * s, MidpointRounding.ToEven));
                }
                return ctx.One(t, dims);
            }
            for (int i = 0; i < axes.Length; i++)
            {
                dims[axes[i]] = Dim.Known(sizes[i]);
            }
            return ctx.One(t, dims);
        }
        if (scales is { Length: > 0 })
        {
            if (scales.Length != axes.Length)
            {
                return ctx.Fail($"scales has {scales.Length} entries for {axes.Length} axes");
            }
            for (int i = 0; i < axes.Length; i++)
            {
                Dim d = x[(int)axes[i]];
                dims[axes[i]] = scales[i] == 1.0 ? d : d.IsKnown ? Dim.Known((long)Math.Floor(d.Value * scales[i])) : Dim.Unknown;
            }
            return ctx.One(t, dims);
        }
        return ctx.One(t, dims.Select(_ => Dim.Unknown));
    }

    private static double[]? ScalesInput(InferContext ctx, int i) =>
        ctx.HasInput(i) && ctx.Const(i) is { } s && s.DType.IsFloat() ? s.ToDoubles() : null;

    /// <summary>Linear-ish interpolation: a few operations per output element.</summary>
    public OpCost Cost(CostContext ctx) => ctx.PerOutputElement(4);
}
