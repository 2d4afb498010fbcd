using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Base for Reduce*: axes are an attribute until the op moved them to input 1 (ReduceSum at opset 13, the rest at 18);
/// keepdims keeps reduced axes as 1; no axes reduces everything unless noop_with_empty_axes.
/// </summary>
internal abstract class ReduceSchema : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["axes"] = AttrKind.Ints, ["keepdims"] = AttrKind.Int, ["noop_with_empty_axes"] = AttrKind.Int,
    };

    /// <summary>The opset from which axes are input 1.</summary>
    protected virtual long AxesInputSince => 18;

    protected virtual long FlopsPerElement => 1;

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        bool keep = ctx.Int("keepdims", 1) != 0;
        long[]? axes;
        if (ctx.Opset >= AxesInputSince)
        {
            if (ctx.HasInput(1) && ctx.ConstInts(1) is null)
            {
                return ctx.One(t, keep && x.HasRank ? new SymShape(x.Dims.Select(_ => Dim.Unknown)) : SymShape.UnknownRank);
            }
            axes = ctx.HasInput(1) ? ctx.ConstInts(1) : null;
        }
        else
        {
            axes = ctx.Ints("axes");
        }
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (axes is null || axes.Length == 0)
        {
            if (ctx.Int("noop_with_empty_axes", 0) != 0)
            {
                return ctx.One(t, x);
            }
            axes = Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray();
        }
        var set = new HashSet<int>();
        foreach (long a in axes)
        {
            if (ctx.Axis(a, x.Rank) is not int ax)
            {
                return ctx.Unknowns();
            }
            set.Add(ax);
        }
        return ctx.One(t, Reduced(x, set, keep));
    }

    internal static IEnumerable<Dim> Reduced(SymShape x, HashSet<int> axes, bool keep)
    {
        for (int i = 0; i < x.Rank; i++)
        {
            if (!axes.Contains(i))
            {
                yield return x[i];
            }
            else if (keep)
            {
                yield return Dim.Known(1);
            }
        }
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(ctx.InputElements(0) * FlopsPerElement);
}
