using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Pad: each dim grows by its begin and end pads (attribute 'pads' before opset 11, input from 11; 'axes' from 18).</summary>
[Schema("Pad")]
internal sealed class Pad : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["mode"] = AttrKind.String, ["pads"] = AttrKind.Ints, ["paddings"] = AttrKind.Ints, ["value"] = AttrKind.Float,
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
        long[]? pads = ctx.Opset < 11 ? ctx.Ints("pads") ?? ctx.Ints("paddings") : ctx.ConstInts(1);
        if (pads is null)
        {
            return ctx.One(t, x.Dims.Select(_ => Dim.Unknown));
        }
        int rank = x.Rank;
        long[] axes = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        if (ctx.Opset >= 18 && ctx.HasInput(3))
        {
            if (ctx.ConstInts(3) is not { } a)
            {
                return ctx.One(t, x.Dims.Select(_ => Dim.Unknown));
            }
            axes = a;
        }
        if (pads.Length != 2 * axes.Length)
        {
            return ctx.Fail($"pads has {pads.Length} entries for {axes.Length} axes");
        }
        var dims = x.Dims.ToArray();
        for (int i = 0; i < axes.Length; i++)
        {
            if (ctx.Axis(axes[i], rank) is not int ax)
            {
                return ctx.Unknowns();
            }
            dims[ax] = (SymExpr.Of(dims[ax]) + (pads[i] + pads[i + axes.Length])).ToDim();
        }
        return ctx.One(t, dims);
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(SymExpr.Zero);
}
