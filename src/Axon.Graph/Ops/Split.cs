using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Split: along axis into the sizes given by 'split' (attribute before opset 13, input from 13), else into equal
/// parts (num_outputs from opset 18, with a smaller last part when uneven).
/// </summary>
[Schema("Split")]
internal sealed class Split : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["axis"] = AttrKind.Int, ["split"] = AttrKind.Ints, ["num_outputs"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        int n = ctx.OutputCount;
        if (!x.HasRank)
        {
            return Enumerable.Repeat(TypeInfo.Tensor(t, SymShape.UnknownRank), n).ToArray();
        }
        if (ctx.Axis(ctx.Int("axis", 0), x.Rank) is not int axis)
        {
            return ctx.Unknowns();
        }
        long[]? split = ctx.Opset < 13 ? ctx.Ints("split") : ctx.HasInput(1) ? ctx.ConstInts(1) : null;
        Dim[] sizes;
        if (split is { Length: > 0 })
        {
            if (split.Length != n)
            {
                return ctx.Fail($"split has {split.Length} sizes for {n} outputs");
            }
            if (x[axis].IsKnown && split.Sum() != x[axis].Value)
            {
                return ctx.Fail($"split sizes sum to {split.Sum()}, not {x[axis]}");
            }
            sizes = split.Select(v => Dim.Known(v)).ToArray();
        }
        else if (ctx.Opset >= 13 && ctx.HasInput(1))
        {
            sizes = Enumerable.Repeat(Dim.Unknown, n).ToArray();
        }
        else if (x[axis].IsKnown)
        {
            long len = x[axis].Value;
            long chunk = (len + n - 1) / n;
            sizes = Enumerable.Range(0, n).Select(i => Dim.Known(Math.Max(0, Math.Min(chunk, len - i * chunk)))).ToArray();
        }
        else
        {
            sizes = Enumerable.Repeat(SymExpr.Of(x[axis]).DivideExact(SymExpr.Const(n)).ToDim(), n).ToArray();
        }
        return sizes.Select(s => TypeInfo.Tensor(t, ShapeMath.WithDim(x, axis, s))).ToArray();
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(SymExpr.Zero);
}
